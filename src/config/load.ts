// Parses .env + environment once into a frozen Config; invalid values throw naming the variable.
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { AppError } from '../errors/app-error.js';
import { CONFIG_SCHEMA, type Config } from './schema.js';

export type { Config } from './schema.js';

/** Values that ship in examples and must never guard a production deployment. */
const KNOWN_WEAK_SECRETS = new Set([
  'my-test-key',
  'changeme',
  'secret',
  'my-test-salt',
  'admin',
  'password',
]);
const GENERATED_SECRETS = ['JWT_SECRET_KEY', 'AUTH_ENCRYPTION_SECRET'] as const;

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

function readDotEnv(cwd: string): Record<string, string> {
  const path = join(cwd, '.env');
  if (!existsSync(path)) return {};
  return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
}

export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const cwd = opts.cwd ?? process.cwd();
  const raw: Record<string, string | undefined> = { ...readDotEnv(cwd), ...(opts.env ?? process.env) };
  const warnings: string[] = [];
  const generated: string[] = [];
  const isProduction = raw.ENVIRONMENT === 'production';

  for (const name of GENERATED_SECRETS) {
    const value = raw[name];
    if (isProduction && (value === undefined || value === '' || KNOWN_WEAK_SECRETS.has(value))) {
      throw new AppError({
        code: 'Invalid',
        message: `${name} must be set to a strong secret when ENVIRONMENT=production (generate one with: openssl rand -hex 32)`,
      });
    }
    if (value === undefined || value === '') {
      const secret = randomBytes(32).toString('hex');
      raw[name] = secret;
      generated.push(name);
      if (opts.persistGeneratedSecrets) {
        appendFileSync(join(cwd, '.env'), `${name}=${secret}\n`, { mode: 0o600 });
        warnings.push(`${name} was not set: generated a random one into ${join(cwd, '.env')}`);
      } else {
        warnings.push(`${name} was not set: using a random one for this process only`);
      }
    } else if (KNOWN_WEAK_SECRETS.has(value)) {
      warnings.push(`${name} is a well-known example value: set a strong secret before exposing the gateway`);
    }
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
        `${spec.env}=${spec.secret ? '<hidden>' : JSON.stringify(text)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
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
  return { config, warnings, generated };
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
