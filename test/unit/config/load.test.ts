import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConfigDoc } from '../../../src/config/config-doc.js';
import { loadConfig } from '../../../src/config/load.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'mcpgw-config-'));

describe('loadConfig', () => {
  it('applies defaults compatible with ContextForge', () => {
    const { config } = loadConfig({ env: {}, cwd: tmp() });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 4444,
      databaseUrl: 'sqlite:///./mcp.db',
      cacheType: 'database',
      jwtAlgorithm: 'HS256',
    });
    expect(config.jwtAudience).toBe('mcpgateway-api');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names the variable of every invalid value', () => {
    const attempt = (env: Record<string, string>) => () => loadConfig({ env, cwd: tmp() });
    expect(attempt({ PORT: 'eighty' })).toThrow(/PORT="eighty"/);
    expect(attempt({ PORT: '70000' })).toThrow(/PORT/);
    expect(attempt({ CACHE_TYPE: 'memcached' })).toThrow(/CACHE_TYPE/);
    expect(attempt({ AUTH_REQUIRED: 'maybe' })).toThrow(/AUTH_REQUIRED/);
    expect(attempt({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(attempt({ BASIC_AUTH_USER: 'admin' })).toThrow(/BASIC_AUTH_PASSWORD/);
    expect(attempt({ JWT_ALGORITHM: 'RS256' })).toThrow(/JWT_PUBLIC_KEY_PATH/);
  });

  it('reads .env, lets the environment win, and hides secrets in errors', () => {
    const dir = tmp();
    writeFileSync(join(dir, '.env'), 'PORT=5555\nHOST=0.0.0.0\nJWT_SECRET_KEY=from-dotenv-secret\n');
    const { config } = loadConfig({ env: { PORT: '6666' }, cwd: dir });
    expect(config.port).toBe(6666);
    expect(config.host).toBe('0.0.0.0');
    expect(config.jwtSecretKey).toBe('from-dotenv-secret');
    expect(() =>
      loadConfig({ env: { BASIC_AUTH_USER: 'u', BASIC_AUTH_PASSWORD: '', MAX_BODY_BYTES: '1' }, cwd: dir }),
    ).toThrow(/MAX_BODY_BYTES/);
  });

  it('generates missing secrets into .env in development, once', () => {
    const dir = tmp();
    const first = loadConfig({ env: {}, cwd: dir, persistGeneratedSecrets: true });
    expect(first.generated).toEqual(['JWT_SECRET_KEY', 'AUTH_ENCRYPTION_SECRET']);
    const second = loadConfig({ env: {}, cwd: dir, persistGeneratedSecrets: true });
    expect(second.generated).toEqual([]);
    expect(second.config.jwtSecretKey).toBe(first.config.jwtSecretKey);
    expect(readFileSync(join(dir, '.env'), 'utf8').match(/JWT_SECRET_KEY=/g)).toHaveLength(1);
  });

  it('refuses to start in production without strong secrets', () => {
    expect(() => loadConfig({ env: { ENVIRONMENT: 'production' }, cwd: tmp() })).toThrow(
      /JWT_SECRET_KEY must be set/,
    );
    expect(() =>
      loadConfig({
        env: {
          ENVIRONMENT: 'production',
          JWT_SECRET_KEY: 'my-test-key',
          AUTH_ENCRYPTION_SECRET: 'x'.repeat(40),
        },
        cwd: tmp(),
      }),
    ).toThrow(/JWT_SECRET_KEY/);
  });
});

describe('.env handling', () => {
  it('appends a generated secret on a line of its own when the file has no final newline', () => {
    const dir = tmp();
    writeFileSync(join(dir, '.env'), 'AUTH_REQUIRED=false');
    const first = loadConfig({ env: {}, cwd: dir, persistGeneratedSecrets: true });
    expect(first.config.authRequired).toBe(false);
    const second = loadConfig({ env: {}, cwd: dir, persistGeneratedSecrets: true });
    expect(second.config.authRequired).toBe(false);
    expect(second.config.jwtSecretKey).toBe(first.config.jwtSecretKey);
    expect(readFileSync(join(dir, '.env'), 'utf8')).toMatch(
      /^AUTH_REQUIRED=false\nJWT_SECRET_KEY=[0-9a-f]{64}\n/,
    );
  });

  it("keeps the user's secret when the line above it has no '='", () => {
    const dir = tmp();
    writeFileSync(join(dir, '.env'), 'PORT=5000\nDEBUG\nJWT_SECRET_KEY=users-own-secret-value\n');
    const { config, warnings, generated } = loadConfig({ env: {}, cwd: dir });
    expect(config.jwtSecretKey).toBe('users-own-secret-value');
    expect(generated).toEqual(['AUTH_ENCRYPTION_SECRET']);
    expect(warnings).toContain(`${join(dir, '.env')} line 2 DEBUG has no "=" and is ignored`);
  });

  it('never prints a secret in an error, even one glued onto another value', () => {
    const dir = tmp();
    writeFileSync(join(dir, '.env'), 'AUTH_REQUIRED=falseJWT_SECRET_KEY=0123456789abcdef\n');
    expect(() => loadConfig({ env: {}, cwd: dir })).toThrow(/AUTH_REQUIRED=<hidden/);
    expect(() => loadConfig({ env: {}, cwd: dir })).not.toThrow(/0123456789abcdef/);
    const url = 'postgresql://app:s3cr3t-pass@db:5432/mcp';
    expect(() => loadConfig({ env: { DATABASE_URL: url, DB_POOL_SIZE: 'x' }, cwd: tmp() })).not.toThrow(
      /s3cr3t/,
    );
    expect(() => loadConfig({ env: { REDIS_URL: 'redis://:s3cr3t-pass@', PORT: '1' }, cwd: tmp() })).toThrow(
      /REDIS_URL="redis:\/\/:\*\*\*@"/,
    );
  });
});

describe('ContextForge spellings', () => {
  const load = (env: Record<string, string>) => loadConfig({ env, cwd: tmp() });

  it('reads LOG_LEVEL in any case, with DEBUG INFO WARNING ERROR CRITICAL', () => {
    const levels = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL', 'warn', 'Trace'];
    expect(levels.map((level) => load({ LOG_LEVEL: level }).config.logLevel)).toEqual([
      'debug',
      'info',
      'warn',
      'error',
      'fatal',
      'warn',
      'trace',
    ]);
    expect(() => load({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL="verbose": use one of .*warning/);
  });

  it('accepts every separator ContextForge does; "." is read as "_" with a warning', () => {
    for (const separator of ['-', '--', '_']) {
      expect(load({ GATEWAY_TOOL_NAME_SEPARATOR: separator }).config.gatewayToolNameSeparator).toBe(
        separator,
      );
    }
    const dotted = load({ GATEWAY_TOOL_NAME_SEPARATOR: '.' });
    expect(dotted.config.gatewayToolNameSeparator).toBe('_');
    expect(dotted.warnings.join('\n')).toMatch(/GATEWAY_TOOL_NAME_SEPARATOR=\. is read as _/);
    expect(() => load({ GATEWAY_TOOL_NAME_SEPARATOR: '::' })).toThrow(/GATEWAY_TOOL_NAME_SEPARATOR/);
  });

  it('reads lists as a JSON list or comma-separated, and checks networks', () => {
    const origins = ['http://a.example', 'http://b.example'];
    expect(
      load({ ALLOWED_ORIGINS: '["http://a.example", "http://b.example"]' }).config.allowedOrigins,
    ).toEqual(origins);
    expect(load({ ALLOWED_ORIGINS: 'http://a.example, http://b.example' }).config.allowedOrigins).toEqual(
      origins,
    );
    expect(
      load({ ALLOWED_ORIGINS: `'["http://a.example","http://b.example"]'` }).config.allowedOrigins,
    ).toEqual(origins);
    expect(load({ SSRF_ALLOWED_NETWORKS: '["10.20.0.0/16"]' }).config.ssrfAllowedNetworks).toEqual([
      '10.20.0.0/16',
    ]);
    expect(() => load({ ALLOWED_ORIGINS: '["http://a.example",' })).toThrow(/ALLOWED_ORIGINS=.*JSON list/);
    expect(() => load({ SSRF_ALLOWED_NETWORKS: '["10.20.0.0/33"]' })).toThrow(
      /SSRF_ALLOWED_NETWORKS=.*"10.20.0.0\/33" is not a CIDR/,
    );
  });

  it('reads booleans in any case, SQLAlchemy PostgreSQL URLs, and ENVIRONMENT=staging', () => {
    expect(load({ AUTH_REQUIRED: 'False', SSRF_ALLOW_LOCALHOST: 'ON' }).config).toMatchObject({
      authRequired: false,
      ssrfAllowLocalhost: true,
    });
    expect(load({ DATABASE_URL: 'postgresql+psycopg://u:p@h:5432/mcp' }).config.databaseUrl).toBe(
      'postgresql://u:p@h:5432/mcp',
    );
    expect(() => load({ ENVIRONMENT: 'staging' })).toThrow(
      /JWT_SECRET_KEY must be set .*ENVIRONMENT=staging/,
    );
  });
});

describe('docs/configuration.md', () => {
  it('matches the schema (regenerate: npx tsx scripts/render-config-doc.ts > docs/configuration.md)', () => {
    const onDisk = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderConfigDoc());
  });
});
