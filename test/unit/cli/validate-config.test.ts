// `mcpgateway --validate-config` says what serving would say: same parse, same verdict, the variable named.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/validate-config.js';
import { loadConfig } from '../../../src/config/load.js';
import { startGateway } from '../../../src/main.js';

async function validate(env: NodeJS.ProcessEnv) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (s: string) => (stdout += s), stderr: (s: string) => (stderr += s), env, cwd: tmp() };
  try {
    return { code: await run([], io), stdout, stderr, error: '' };
  } catch (error) {
    return { code: 1, stdout, stderr, error: (error as Error).message };
  }
}
const tmp = () => mkdtempSync(join(tmpdir(), 'mcpgw-validate-'));

describe('mcpgateway --validate-config', () => {
  it('accepts SSRF_ALLOWED_NETWORKS as a JSON list, and a gateway starts with it', async () => {
    const env = { SSRF_ALLOWED_NETWORKS: '["10.20.0.0/16","192.168.50.0/24"]', PORT: '0' };
    expect(await validate(env)).toMatchObject({ code: 0, stdout: 'configuration is valid\n' });
    const dir = tmp();
    const { config } = loadConfig({
      env: { ...env, DATABASE_URL: `sqlite:///${join(dir, 'mcp.db')}` },
      cwd: dir,
    });
    const gateway = await startGateway({ config, logger: false });
    await gateway.close();
  });

  it('refuses what serving refuses, naming the variable', async () => {
    const env = { SSRF_ALLOWED_NETWORKS: '10.20.0.0/16,intranet' };
    const verdict = await validate(env);
    expect(verdict.error).toMatch(/SSRF_ALLOWED_NETWORKS=.*"intranet" is not a CIDR/);
    expect(() => loadConfig({ env, cwd: tmp(), persistGeneratedSecrets: true })).toThrow(verdict.error);
    expect(
      (await validate({ JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY_PATH: '/nonexistent.pem' })).error,
    ).toMatch(/nonexistent\.pem/);
  });

  it('refuses arguments it does not take', async () => {
    let stderr = '';
    const io = { stdout: () => undefined, stderr: (s: string) => (stderr += s), env: {}, cwd: tmp() };
    await expect(run(['--port', '1'], io)).rejects.toMatchObject({ code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
    expect(stderr).toBe('');
  });
});
