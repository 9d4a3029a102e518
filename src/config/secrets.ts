// The two secrets every instance needs: refused when weak outside development, generated (and kept in .env) when missing in it.
import { randomBytes } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import { appendDotenvLine, dotenvPath } from './dotenv-file.js';

/** Values that ship in examples and must never guard a shared deployment. */
const KNOWN_WEAK_SECRETS = new Set([
  'my-test-key',
  'changeme',
  'secret',
  'my-test-salt',
  'admin',
  'password',
]);
/** ContextForge's `.env.example` ships `__REPLACE_ME__…`: a value that asks to be replaced, as good as unset. */
const isPlaceholder = (value: string): boolean => value.startsWith('__REPLACE_ME__');

export const GENERATED_SECRETS = ['JWT_SECRET_KEY', 'AUTH_ENCRYPTION_SECRET'] as const;

export interface SecretOptions {
  cwd: string;
  /** staging and production: a missing, placeholder or example secret stops start-up. */
  strict: boolean;
  /** Write generated secrets to `.env` (the server does; one-shot CLI commands and tests do not). */
  persist: boolean;
}

/**
 * Fills missing secrets in `raw` (in place) and returns what the operator should be told. Messages name the
 * variable and never its value.
 */
export function ensureSecrets(
  raw: Record<string, string | undefined>,
  opts: SecretOptions,
): { warnings: string[]; generated: string[] } {
  const warnings: string[] = [];
  const generated: string[] = [];
  for (const name of GENERATED_SECRETS) {
    const value = raw[name] ?? '';
    const placeholder = isPlaceholder(value);
    if (opts.strict && (value === '' || placeholder || KNOWN_WEAK_SECRETS.has(value))) {
      throw new AppError({
        code: 'Invalid',
        message: `${name} must be set to a strong secret when ENVIRONMENT=${raw.ENVIRONMENT} (generate one with: openssl rand -hex 32)`,
      });
    }
    if (value === '' || placeholder) {
      const why = placeholder ? "is ContextForge's __REPLACE_ME__ placeholder" : 'was not set';
      const secret = randomBytes(32).toString('hex');
      raw[name] = secret;
      generated.push(name);
      if (opts.persist) {
        appendDotenvLine(opts.cwd, name, secret);
        warnings.push(`${name} ${why}: generated a random one into ${dotenvPath(opts.cwd)}`);
      } else {
        warnings.push(`${name} ${why}: using a random one for this process only`);
      }
    } else if (KNOWN_WEAK_SECRETS.has(value)) {
      warnings.push(`${name} is a well-known example value: set a strong secret before exposing the gateway`);
    }
  }
  const basicPassword = raw.BASIC_AUTH_PASSWORD ?? '';
  if (
    (raw.BASIC_AUTH_USER ?? '') !== '' &&
    (KNOWN_WEAK_SECRETS.has(basicPassword) || isPlaceholder(basicPassword))
  ) {
    // ContextForge's .env.example turns basic auth on as admin / changeme.
    if (opts.strict) {
      throw new AppError({
        code: 'Invalid',
        message: `BASIC_AUTH_PASSWORD is a well-known example value: set a strong one, or unset BASIC_AUTH_USER, when ENVIRONMENT=${raw.ENVIRONMENT}`,
      });
    }
    warnings.push(
      'BASIC_AUTH_PASSWORD is a well-known example value: anyone can log in as BASIC_AUTH_USER; set a strong one before exposing the gateway',
    );
  }
  return { warnings, generated };
}
