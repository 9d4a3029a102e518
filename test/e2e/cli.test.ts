// The README's first steps as a new user takes them: start, mint a token, call the API, restart, stop.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { cleanEnv, runCli, startCli } from '../helpers/cli.js';

const databases = (): Array<[string, Record<string, string>]> => {
  const list: Array<[string, Record<string, string>]> = [['sqlite', {}]];
  const pgUrl = inject('pgUrl');
  if (pgUrl) list.push(['postgres', { DATABASE_URL: pgUrl }]);
  return list;
};

for (const [name, dbEnv] of databases()) {
  describe(`mcpgateway CLI (${name})`, () => {
    it('serves, accepts a minted token, keeps data across a restart and exits 0 on SIGTERM', async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'mcpgw-cli-'));
      const env = cleanEnv({ PORT: '0', ...dbEnv });
      let gw = await startCli([], { cwd, env });
      const minted = await runCli(['token', '--username', 'admin@example.com', '--exp', '60', '--admin'], {
        cwd,
        env,
      });
      expect(minted.code).toBe(0);
      const token = minted.stdout.trim();
      expect(token.split('.')).toHaveLength(3);
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

      expect(await (await fetch(`${gw.url}/health`)).json()).toEqual({ status: 'healthy' });
      expect((await fetch(`${gw.url}/tools`)).status).toBe(401);
      const toolName = `cli_tool_${name}`;
      const created = await fetch(`${gw.url}/tools`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ tool: { name: toolName, url: 'https://example.com/api' } }),
      });
      expect(created.status).toBe(201);
      expect(await gw.stop()).toBe(0);

      gw = await startCli([], { cwd, env });
      const tools = (await (await fetch(`${gw.url}/tools`, { headers })).json()) as Array<{ name: string }>;
      expect(tools.map((t) => t.name)).toContain(toolName);
      expect(await gw.stop()).toBe(0);
      expect(gw.stderr()).toContain('SIGTERM received');
    }, 120_000);
  });
}

describe('mcpgateway --validate-config', () => {
  it('accepts a valid configuration and names the variable of an invalid one', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mcpgw-cfg-'));
    expect((await runCli(['--validate-config'], { cwd, env: cleanEnv({}) })).stdout).toContain(
      'configuration is valid',
    );
    const bad = await runCli(['--validate-config'], { cwd, env: cleanEnv({ PORT: 'abc' }) });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('PORT="abc"');
    const start = await runCli([], { cwd, env: cleanEnv({ CACHE_TYPE: 'nope' }) });
    expect(start.code).toBe(1);
    expect(start.stderr).toContain('CACHE_TYPE');
  }, 120_000);
});
