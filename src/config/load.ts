// Parses .env + environment once into a frozen Config; invalid values throw naming the variable.
import { AppError } from '../errors/app-error.js';
import { CONTEXTFORGE_VARIABLES, READ_OUTSIDE_SERVER } from './contextforge-variables.js';
import { readDotenvFile } from './dotenv-file.js';
import { CONFIG_SCHEMA, type Config } from './schema.js';
import { ensureSecrets } from './secrets.js';

export type { Config } from './schema.js';

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Directory whose `.env` is read (and, in development, receives generated secrets). */
  cwd?: string;
  /** Write generated secrets to `.env` (the server does; one-shot CLI commands and tests do not). */
  persistGeneratedSecrets?: boolean;
}

export interface LoadedConfig {
  config: Config;
  warnings: string[];
  /** Secrets that were unset and got a random value (persisted to .env only with persistGeneratedSecrets). */
  generated: string[];
}

const IMPLEMENTED = new Set(Object.values(CONFIG_SCHEMA).map((spec) => spec.env));

/** ContextForge settings that are set but mean nothing here: named in one warning, never an error. */
function ignoredContextForgeVariables(raw: Record<string, string | undefined>): string[] {
  return Object.keys(raw)
    .filter(
      (name) =>
        CONTEXTFORGE_VARIABLES.has(name) &&
        !IMPLEMENTED.has(name) &&
        !READ_OUTSIDE_SERVER.has(name) &&
        (raw[name] ?? '') !== '',
    )
    .sort();
}

const SECRET_VARIABLES = Object.values(CONFIG_SCHEMA)
  .filter((spec) => spec.secret === true)
  .map((spec) => spec.env);

/**
 * How an invalid value appears in the error: never a secret, even one glued onto another variable's line
 * (`AUTH_REQUIRED=falseJWT_SECRET_KEY=…`), and never the password of a URL.
 */
function shownValue(env: string, text: string, raw: Record<string, string | undefined>): string {
  if (SECRET_VARIABLES.includes(env)) return '<hidden>';
  const secrets = SECRET_VARIABLES.map((name) => raw[name] ?? '').filter((value) => value.length >= 6);
  if (
    secrets.some((secret) => text.includes(secret)) ||
    /(SECRET|PASSWORD|TOKEN|KEY)[A-Z0-9_]*=/i.test(text)
  ) {
    return '<hidden: it contains a secret>';
  }
  return JSON.stringify(text.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@'));
}

export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const dotenv = readDotenvFile(cwd, env);
  const raw: Record<string, string | undefined> = { ...dotenv.values, ...env };
  const environment = (raw.ENVIRONMENT ?? '').trim().toLowerCase();
  const secrets = ensureSecrets(raw, {
    cwd,
    strict: environment === 'production' || environment === 'staging',
    persist: opts.persistGeneratedSecrets === true,
  });
  const warnings = [...dotenv.warnings, ...secrets.warnings];
  const ignored = ignoredContextForgeVariables(raw);
  if (ignored.length > 0) {
    warnings.push(`ignoring ContextForge settings that mcpgateway does not implement: ${ignored.join(', ')}`);
  }
  if (raw.GATEWAY_TOOL_NAME_SEPARATOR?.trim() === '.') {
    warnings.push(
      'GATEWAY_TOOL_NAME_SEPARATOR=. is read as _: LLM providers refuse tool names outside ^[a-zA-Z0-9_-]{1,64}$',
    );
  }

  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, spec] of Object.entries(CONFIG_SCHEMA)) {
    const given = raw[spec.env];
    const text = given === undefined || given === '' ? spec.default : given;
    if (text === undefined) {
      out[key] = undefined;
      continue;
    }
    const parsed = spec.schema.safeParse(text);
    if (parsed.success) out[key] = parsed.data;
    else
      problems.push(
        `${spec.env}=${shownValue(spec.env, text, raw)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
  }
  if (problems.length > 0) {
    throw new AppError({ code: 'Invalid', message: `Invalid configuration: ${problems.join('; ')}` });
  }
  const config = Object.freeze(out) as Config;
  if (config.basicAuthUser !== undefined && config.basicAuthPassword === undefined) {
    throw new AppError({
      code: 'Invalid',
      message: 'Invalid configuration: BASIC_AUTH_PASSWORD must be set when BASIC_AUTH_USER is',
    });
  }
  if (config.jwtAlgorithm.startsWith('HS') === false && config.jwtPublicKeyPath === undefined) {
    throw new AppError({
      code: 'Invalid',
      message: `Invalid configuration: JWT_PUBLIC_KEY_PATH must name a PEM file when JWT_ALGORITHM=${config.jwtAlgorithm}`,
    });
  }
  return { config, warnings, generated: secrets.generated };
}

/** A config for tests and tools: defaults plus the given overrides, never touching disk. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    env: {
      ENVIRONMENT: 'test',
      JWT_SECRET_KEY: 'test-secret-key-0123456789',
      AUTH_ENCRYPTION_SECRET: 'test-encryption-secret',
      ...overrides,
    },
    cwd: '/nonexistent-config-dir',
  }).config;
}
