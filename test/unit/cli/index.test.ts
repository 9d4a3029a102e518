// The mcpgateway entry point as a user meets it: --version, usage on a bad option, start-up failures that name the setting.
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { APP_VERSION } from '../../../src/version.js';
import { cleanEnv, runCli } from '../../helpers/cli.js';

const cwd = () => mkdtempSync(join(tmpdir(), 'mcpgw-entry-'));

describe('mcpgateway entry point', () => {
  it('prints its version', async () => {
    const out = await runCli(['--version'], { cwd: cwd(), env: cleanEnv({}) });
    expect(out).toMatchObject({ code: 0, stdout: `mcpgateway ${APP_VERSION}\n` });
  }, 60_000);

  it('answers an unknown option with usage and exit code 2', async () => {
    for (const args of [['--bogus'], ['migrate', '--force']]) {
      const out = await runCli(args, { cwd: cwd(), env: cleanEnv({}) });
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(/^mcpgateway: Unknown option/);
      expect(out.stderr).toContain('usage: mcpgateway');
      expect(out.stderr).not.toContain('TypeError');
    }
  }, 60_000);

  it('names PORT when the port is taken', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      const out = await runCli(['--port', String(port)], { cwd: cwd(), env: cleanEnv({}) });
      expect(out.code).toBe(1);
      expect(out.stderr).toContain(
        `Cannot listen on 127.0.0.1:${port}: another process already uses PORT=${port}`,
      );
      expect(out.stderr).not.toMatch(/\n\s+at /);
    } finally {
      busy.close();
    }
  }, 60_000);

  it('names DATABASE_URL, without its password, when PostgreSQL is unreachable', async () => {
    const env = cleanEnv({ DATABASE_URL: 'postgresql://app:hunter2-pass@127.0.0.1:1/mcp', PORT: '0' });
    const out = await runCli([], { cwd: cwd(), env });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(
      'Cannot use the database at DATABASE_URL=postgresql://app:***@127.0.0.1:1/mcp',
    );
    expect(out.stderr).toContain('is PostgreSQL running');
    expect(out.stderr).not.toContain('hunter2');
    expect(out.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it.skipIf(!inject('pgUrl'))(
    'names DATABASE_URL when the database does not exist',
    async () => {
      const url = new URL(inject('pgUrl'));
      url.pathname = '/mcpgw_no_such_database';
      const out = await runCli([], { cwd: cwd(), env: cleanEnv({ DATABASE_URL: url.href, PORT: '0' }) });
      expect(out.code).toBe(1);
      expect(out.stderr).toMatch(/DATABASE_URL=.*mcpgw_no_such_database.*does not exist.*createdb/);
    },
    60_000,
  );
});
