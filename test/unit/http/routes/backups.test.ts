// GET /admin/backups: the artifacts in BACKUP_DIR with their manifests, for admins only.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup } from '../../../../src/backup/create-backup.js';
import { backends } from '../../../helpers/backends.js';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.js';

const sqlite = backends().filter((b) => b.name === 'sqlite');

for (const backend of sqlite) {
  describe('GET /admin/backups', () => {
    let t: TestApp;
    const dir = mkdtempSync(join(tmpdir(), 'mcpgw-backups-route-'));
    beforeAll(async () => {
      t = await buildTestApp(backend, {
        BACKUP_DIR: dir,
        BACKUP_SCHEDULE: '0 3 * * *',
        BACKUP_RETENTION: '3',
      });
      await createBackup({
        databaseUrl: t.testStore.url,
        cwd: dir,
        output: join(dir, 'mcp-2030-01-01-030000.mcpbak'),
        keyFingerprint: t.services.secrets.fingerprint,
        appVersion: 'test',
      });
      writeFileSync(join(dir, 'mcp-2030-01-02-030000.mcpbak'), 'half a file');
    });
    afterAll(async () => t.close());

    it('lists each artifact with its manifest, or why it cannot be read', async () => {
      const res = await t.call('GET', '/admin/backups');
      expect(res.statusCode).toBe(200);
      const body = res.json<{ schedule: string; backups: Array<Record<string, unknown>> }>();
      expect(body.schedule).toBe('0 3 * * *');
      expect(body.backups.map((b) => b.file)).toEqual([
        'mcp-2030-01-02-030000.mcpbak',
        'mcp-2030-01-01-030000.mcpbak',
      ]);
      expect(body.backups[0]?.problem).toContain('does not start with an MCP Gateway backup header');
      expect(body.backups[1]?.manifest).toMatchObject({ database: { kind: 'sqlite' }, appVersion: 'test' });
    });

    it('is for admins only', async () => {
      expect((await t.call('GET', '/admin/backups', undefined, t.userToken)).statusCode).toBe(403);
      expect((await t.call('GET', '/admin/backups', undefined, null)).statusCode).toBe(401);
    });
  });
}
