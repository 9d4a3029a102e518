// The operator's path through the real CLI: back up a gateway that is serving writes, see restore refuse while it
// runs, stop it, restore, start it again and find every registration acknowledged before the backup.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { cleanEnv, runCli, startCli } from '../helpers/cli.js';

async function adminQuery(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
  await client.query(statement);
  await client.end();
}

const databases = (): Array<[string, () => Promise<{ url?: string; drop(): Promise<void> }>]> => {
  const list: Array<[string, () => Promise<{ url?: string; drop(): Promise<void> }>]> = [
    ['sqlite', () => Promise.resolve({ drop: () => Promise.resolve() })],
  ];
  if (inject('pgAdminUrl'))
    list.push([
      'postgres',
      async () => {
        const name = `mcpgw_backup_e2e_${randomBytes(4).toString('hex')}`;
        await adminQuery(`create database ${name}`);
        return {
          url: inject('pgAdminUrl').replace(/\/[^/]*$/, `/${name}`),
          drop: () => adminQuery(`drop database if exists ${name} with (force)`),
        };
      },
    ]);
  return list;
};

for (const [name, makeDatabase] of databases()) {
  describe(`mcpgateway backup / restore (${name})`, () => {
    it('backs up under writes, refuses to restore under a running gateway, restores once it stopped', async () => {
      const database = await makeDatabase();
      const cwd = mkdtempSync(join(tmpdir(), 'mcpgw-backup-e2e-'));
      const env = cleanEnv({
        PORT: '0',
        AUTH_ENCRYPTION_SECRET: 'e2e-encryption-secret',
        JWT_SECRET_KEY: 'e2e-jwt-secret-0123456789',
        ...(database.url === undefined ? {} : { DATABASE_URL: database.url }),
      });
      try {
        let gw = await startCli([], { cwd, env });
        const token = (
          await runCli(['token', '--username', 'ops@example.com', '--admin'], { cwd, env })
        ).stdout.trim();
        const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
        const register = async (tool: string) =>
          (
            await fetch(`${gw.url}/tools`, {
              method: 'POST',
              headers,
              body: JSON.stringify({
                name: tool,
                url: 'https://api.example.com/x',
                auth: { auth_type: 'bearer', token: tool },
              }),
            })
          ).status === 201;
        const acknowledged: string[] = [];
        let writing = true;
        let i = 0;
        const writer = (async () => {
          while (writing) {
            const tool = `e2e_${i++}`;
            if (await register(tool)) acknowledged.push(tool);
          }
        })();
        while (acknowledged.length < 10) await new Promise((r) => setTimeout(r, 10));
        const before = [...acknowledged];
        const backup = await runCli(['backup', '--json'], { cwd, env });
        writing = false;
        await writer;
        expect(backup.code, backup.stderr).toBe(0);
        expect(backup.stderr).toContain('mcpgateway backup: snapshotting the database');
        const manifest = JSON.parse(backup.stdout) as { path: string; rowCounts: { tools: number } };
        expect(manifest.path).toMatch(/backups\/mcp-\d{4}-\d{2}-\d{2}-\d{6}\.mcpbak$/);

        const refused = await runCli(['restore', manifest.path], { cwd, env });
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain('A gateway is running on');
        expect((await runCli(['verify', manifest.path], { cwd, env })).stdout).toContain(': ok');
        expect((await runCli(['backup', 'list'], { cwd, env })).stdout).toContain(manifest.path);

        expect(await gw.stop()).toBe(0);
        const restored = await runCli(['restore', manifest.path], { cwd, env });
        expect(restored.code, restored.stderr).toBe(0);
        expect(restored.stdout).toContain('row counts match');

        gw = await startCli([], { cwd, env });
        const tools = (await (await fetch(`${gw.url}/tools`, { headers })).json()) as Array<{ name: string }>;
        expect(tools).toHaveLength(manifest.rowCounts.tools);
        const served = new Set(tools.map((t) => t.name));
        expect(before.filter((t) => !served.has(t))).toEqual([]);
        expect(await gw.stop()).toBe(0);
      } finally {
        await database.drop();
      }
    }, 180_000);
  });
}
