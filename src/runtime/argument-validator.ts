// ArgumentValidator: checks tool-call arguments against the tool's input_schema, compiled once per tool version.
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { AppError, invalid } from '../errors/app-error.js';
import { jsonBytes, jsonDepth } from './json-bounds.js';

export interface ValidatorKey {
  id: string;
  /** The tool's version (or any token that changes whenever its schema does). */
  version: number | string;
}

export interface ArgumentValidatorOptions {
  maxSchemaBytes?: number;
  maxSchemaDepth?: number;
  maxArgsBytes?: number;
  maxArgsDepth?: number;
  /** Compiled schemas kept; the least recently used is dropped past this. */
  cacheSize?: number;
}

export interface ArgumentValidator {
  /** Throws AppError 'Invalid' naming every failing path; a bad schema throws 'Invalid' too. */
  validate(key: ValidatorKey, schema: unknown, args: unknown): void;
  readonly cachedCount: number;
}

type Dialect = 'draft-07' | '2019-09' | '2020-12';
type Entry =
  { ok: true; fn: ValidateFunction; dialect: Dialect; schema: object } | { ok: false; error: AppError };

const AJV_OPTIONS: Options = {
  strict: false, // tool schemas from the field carry vendor keywords; ignore them rather than refuse the tool
  allErrors: true,
  addUsedSchema: false, // a `$id` shared by two tools must not collide in one instance
  loadSchema: undefined, // never fetch a remote `$ref`: that would be an SSRF path
};
const MAX_REPORTED = 10;

function makeAjv(dialect: Dialect): Ajv {
  const ajv =
    dialect === '2020-12'
      ? new Ajv2020(AJV_OPTIONS)
      : dialect === '2019-09'
        ? new Ajv2019(AJV_OPTIONS)
        : new Ajv(AJV_OPTIONS);
  addFormatsPlugin.default(ajv);
  return ajv;
}

/** Dialects to try, in order: the declared one; undeclared means 2020-12 (the MCP default), then draft-07. */
function dialectsFor(schema: object): Dialect[] {
  const declared = (schema as { $schema?: unknown }).$schema;
  if (typeof declared !== 'string') return ['2020-12', 'draft-07'];
  if (declared.includes('2020-12')) return ['2020-12'];
  if (declared.includes('2019-09')) return ['2019-09'];
  return ['draft-07'];
}

function describe(error: ErrorObject): { path: string; message: string } {
  const path = error.instancePath === '' ? '(root)' : error.instancePath;
  const params = error.params as Record<string, unknown>;
  let message = error.message ?? 'is invalid';
  if (typeof params.additionalProperty === 'string') message += ` ("${params.additionalProperty}")`;
  if (Array.isArray(params.allowedValues))
    message += `: ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return { path, message };
}

export function createArgumentValidator(opts: ArgumentValidatorOptions = {}): ArgumentValidator {
  const maxSchemaBytes = opts.maxSchemaBytes ?? 64 * 1024;
  const maxSchemaDepth = opts.maxSchemaDepth ?? 64;
  const maxArgsBytes = opts.maxArgsBytes ?? 1024 * 1024;
  const maxArgsDepth = opts.maxArgsDepth ?? 64;
  const cacheSize = opts.cacheSize ?? 500;
  const instances = new Map<Dialect, Ajv>();
  const cache = new Map<string, Entry>(); // insertion order doubles as recency order

  const ajvFor = (dialect: Dialect): Ajv => {
    let ajv = instances.get(dialect);
    if (ajv === undefined) instances.set(dialect, (ajv = makeAjv(dialect)));
    return ajv;
  };

  const compile = (key: ValidatorKey, raw: unknown): Entry => {
    const fail = (why: string): Entry => ({
      ok: false,
      error: invalid(`Invalid input_schema of tool ${key.id}: ${why}`),
    });
    // No schema means "any object", as ContextForge's default input_schema; boolean schemas are valid JSON Schema.
    const given: unknown = raw ?? { type: 'object' };
    if (typeof given === 'boolean') return compile(key, given ? {} : { not: {} });
    if (given === null || typeof given !== 'object' || Array.isArray(given))
      return fail('must be a JSON object');
    const input: object = given;
    if (jsonDepth(input, maxSchemaDepth) > maxSchemaDepth)
      return fail(`nested deeper than ${maxSchemaDepth} levels`);
    const size = jsonBytes(input);
    if (size > maxSchemaBytes) return fail(`${size} bytes of JSON; the limit is ${maxSchemaBytes}`);
    let firstError = '';
    for (const dialect of dialectsFor(input)) {
      // Our own copy: ajv caches by object identity (dropped again on eviction) and callers may mutate theirs.
      const schema = structuredClone(input) as Record<string, unknown>;
      if (dialect === 'draft-07') delete schema.$schema; // draft-04/06 URIs would otherwise be unknown meta-schemas
      try {
        return { ok: true, fn: ajvFor(dialect).compile(schema), dialect, schema };
      } catch (error) {
        firstError ||= (error as Error).message;
      }
    }
    return fail(firstError);
  };

  const lookup = (key: ValidatorKey, schema: unknown): Entry => {
    const cacheKey = `${key.id}\u0000${key.version}`;
    let entry = cache.get(cacheKey);
    if (entry !== undefined) {
      cache.delete(cacheKey);
      cache.set(cacheKey, entry);
      return entry;
    }
    entry = compile(key, schema);
    cache.set(cacheKey, entry);
    while (cache.size > cacheSize) {
      const [oldestKey, oldest] = cache.entries().next().value!;
      cache.delete(oldestKey);
      if (oldest.ok) ajvFor(oldest.dialect).removeSchema(oldest.schema);
    }
    return entry;
  };

  return {
    validate(key, schema, args) {
      const entry = lookup(key, schema);
      if (!entry.ok) throw entry.error;
      if (jsonDepth(args, maxArgsDepth) > maxArgsDepth) {
        throw invalid(`Invalid arguments: nested deeper than ${maxArgsDepth} levels`);
      }
      const size = jsonBytes(args);
      if (size > maxArgsBytes)
        throw invalid(`Invalid arguments: ${size} bytes of JSON; the limit is ${maxArgsBytes}`);
      if (entry.fn(args)) return;
      const errors = (entry.fn.errors ?? []).map(describe);
      const shown = errors.slice(0, MAX_REPORTED).map((e) => `${e.path} ${e.message}`);
      if (errors.length > MAX_REPORTED) shown.push(`and ${errors.length - MAX_REPORTED} more`);
      throw new AppError({
        code: 'Invalid',
        message: `Invalid arguments: ${shown.join('; ')}`,
        data: { errors },
      });
    },
    get cachedCount() {
      return cache.size;
    },
  };
}
