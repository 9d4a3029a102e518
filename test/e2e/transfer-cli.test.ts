// Moving a gateway's registry from SQLite to another database with the two commands docs/export-import.md gives.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { buildTestApp } from '../helpers/test-app.js';

const SECRETS = {
  JWT_SECRET_KEY: 'cli-transfer-jwt-0123456789',
  AUTH_ENCRYPTION_SECRET: 'cli-transfer-secret',
};

for (const target of backends()) {
  describe(`mcpgateway export | import (sqlite → ${target.name})`, () => {
    it('exports with --output, dry-runs without writing, imports, and a second import changes nothing', async () => {
      const [sqlite] = backends();
      const source = await buildTestApp(sqlite!, SECRETS);
      const dest = await target.open();
      const cwd = mkdtempSync(join(tmpdir(), 'mcpgw-transfer-'));
      try {
        await source.call('POST', '/tools', {
          name: 'weather',
          url: 'https://api.example.com/w',
          auth: { auth_type: 'bearer', token: 't0k' },
        });
        await source.call('POST', '/servers', { name: 'bundle', associated_tools: ['weather'] });
        const from = cleanEnv({ ...SECRETS, DATABASE_URL: source.testStore.url });
        const exported = await runCli(['export', '--output', 'all.json', '--include-inactive'], {
          cwd,
          env: from,
        });
        expect(exported.code).toBe(0);
        expect(exported.stderr).toMatch(/exported 1 tools, 0 gateways, 1 servers/);
        expect(JSON.parse(readFileSync(join(cwd, 'all.json'), 'utf8'))).toMatchObject({
          mcpgateway: { secrets: 'key' },
        });

        const to = cleanEnv({ ...SECRETS, DATABASE_URL: dest.url });
        const dry = await runCli(['import', 'all.json', '--dry-run'], { cwd, env: to });
        expect(dry.code).toBe(0);
        expect(dry.stdout).toMatch(/create\s+tools weather/);
        expect(dry.stdout).toMatch(/dry run, nothing written/);
        expect(await dest.store.db.selectFrom('tools').selectAll().execute()).toEqual([]);

        const real = await runCli(['import', 'all.json'], { cwd, env: to });
        expect(real.code).toBe(0);
        expect(real.stdout).toMatch(/created 2, updated 0/);
        const again = await runCli(['import', 'all.json', '--conflict-strategy', 'update'], { cwd, env: to });
        expect(again.stdout).toMatch(/created 0, updated 0, skipped 2, failed 0/);

        const failed = await runCli(['import', 'all.json', '--conflict-strategy', 'fail'], { cwd, env: to });
        expect(failed.code).toBe(1);
        expect(failed.stderr).toMatch(/already exists[\s\S]*nothing was written/);
      } finally {
        await dest.dispose();
        await source.close();
      }
    }, 180_000);
  });
}
