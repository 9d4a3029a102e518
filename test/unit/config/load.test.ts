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

describe('docs/configuration.md', () => {
  it('matches the schema (regenerate: npx tsx scripts/render-config-doc.ts > docs/configuration.md)', () => {
    const onDisk = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderConfigDoc());
  });
});
