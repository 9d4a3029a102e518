// A ContextForge `.env` starts the gateway: shared variables read as ContextForge reads them, the rest ignored with one warning.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTEXTFORGE_VARIABLES } from '../../../src/config/contextforge-variables.js';
import { loadConfig } from '../../../src/config/load.js';
import { CONFIG_SCHEMA } from '../../../src/config/schema.js';

const FIXTURE = new URL('../../fixtures/contextforge/contextforge.env', import.meta.url);
const tmp = () => mkdtempSync(join(tmpdir(), 'mcpgw-cf-'));

describe("ContextForge's .env.example", () => {
  it('loads with one warning naming the ignored variables, and no error', () => {
    const dir = tmp();
    copyFileSync(FIXTURE, join(dir, '.env'));
    const { config, warnings } = loadConfig({ env: {}, cwd: dir, persistGeneratedSecrets: true });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 4444,
      environment: 'development',
      logLevel: 'error',
      databaseUrl: 'sqlite:///./mcp.db',
      allowedOrigins: ['http://localhost', 'http://localhost:4444'],
      ssrfAllowedNetworks: ['10.20.0.0/16', '192.168.50.0/24'],
      ssrfAllowLocalhost: true,
      healthCheckInterval: 300,
      basicAuthPassword: 'changeme',
    });
    const ignored = warnings.filter((w) => w.includes('ContextForge settings'));
    expect(ignored).toHaveLength(1);
    expect(ignored[0]).toContain('CSRF_ENABLED');
    expect(ignored[0]).toContain('LEGACY_API_SUNSET_DATE');
    expect(ignored[0]).not.toContain('LOG_LEVEL');
    expect(warnings.join('\n')).toMatch(
      /BASIC_AUTH_PASSWORD is a well-known example value: anyone can log in/,
    );
    // Its `__REPLACE_ME__` secrets are replaced (once) by generated ones in development.
    expect(config.jwtSecretKey).toMatch(/^[0-9a-f]{64}$/);
    const again = loadConfig({ env: {}, cwd: dir, persistGeneratedSecrets: true });
    expect(again.config.jwtSecretKey).toBe(config.jwtSecretKey);
    expect(readFileSync(join(dir, '.env'), 'utf8')).toContain('JWT_SECRET_KEY=__REPLACE_ME__');
  });

  it('lists every shared variable among the ContextForge names', () => {
    for (const name of [
      'HOST',
      'PORT',
      'DATABASE_URL',
      'LOG_LEVEL',
      'ALLOWED_ORIGINS',
      'SSRF_ALLOWED_NETWORKS',
    ]) {
      expect(CONTEXTFORGE_VARIABLES.has(name)).toBe(true);
    }
    expect(Object.values(CONFIG_SCHEMA).some((spec) => spec.env === 'LOG_LEVEL')).toBe(true);
  });

  it('refuses its placeholder secrets in staging and production, naming the variable only', () => {
    const dir = tmp();
    writeFileSync(
      join(dir, '.env'),
      readFileSync(FIXTURE, 'utf8').replace('ENVIRONMENT=development', 'ENVIRONMENT=staging'),
    );
    expect(() => loadConfig({ env: {}, cwd: dir })).toThrow(
      /JWT_SECRET_KEY must be set to a strong secret when ENVIRONMENT=staging/,
    );
    expect(() => loadConfig({ env: {}, cwd: dir })).not.toThrow(/REPLACE_ME/);
  });

  it('starts in staging once the secrets are real', () => {
    const env = {
      ENVIRONMENT: 'staging',
      JWT_SECRET_KEY: 'a'.repeat(40),
      AUTH_ENCRYPTION_SECRET: 'b'.repeat(40),
    };
    expect(loadConfig({ env, cwd: tmp() }).config.environment).toBe('staging');
    const basic = { ...env, BASIC_AUTH_USER: 'admin', BASIC_AUTH_PASSWORD: 'changeme' };
    expect(() => loadConfig({ env: basic, cwd: tmp() })).toThrow(
      /BASIC_AUTH_PASSWORD is a well-known example value/,
    );
  });
});
