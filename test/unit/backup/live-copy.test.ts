// Why `mcpgateway backup` exists: `cp mcp.db` of a live WAL database drops the commits still in mcp.db-wal.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../../../src/auth/secret-box.js';
import { createBackup } from '../../../src/backup/create-backup.js';
import { restoreBackup } from '../../../src/backup/restore-backup.js';
import { parseDatabaseUrl } from '../../../src/store/db.js';
import { backends } from '../../helpers/backends.js';
import { securedTool, TEST_SECRET, toolNames } from '../../helpers/backup.js';
import { buildTestApp } from '../../helpers/test-app.js';

const sqlite = backends().find((b) => b.name === 'sqlite');

describe('a live SQLite database', () => {
  it('loses acknowledged registrations when copied as a file, and keeps them all through backup', async () => {
    if (sqlite === undefined) throw new Error('the SQLite backend is always available');
    const live = await buildTestApp(sqlite);
    const dir = mkdtempSync(join(tmpdir(), 'mcpgw-cp-'));
    try {
      const acknowledged: string[] = [];
      for (let i = 0; i < 20; i += 1) {
        const res = await live.call('POST', '/tools', securedTool(`tool_${i}`));
        expect(res.statusCode).toBe(201);
        acknowledged.push(`tool_${i}`);
      }
      const copied = join(dir, 'copied.db');
      copyFileSync(parseDatabaseUrl(live.testStore.url).target, copied);
      const copy = new SqliteDatabase(copied, { readonly: true });
      const hasTools =
        copy.prepare(`select count(*) from sqlite_master where name = 'tools'`).pluck().get() === 1;
      const inCopy = hasTools ? (copy.prepare('select count(*) from tools').pluck().get() as number) : 0;
      copy.close();
      // Every one of them was acknowledged (201) and is in mcp.db-wal, not yet in mcp.db.
      expect(inCopy).toBeLessThan(acknowledged.length);

      const secrets = createSecretBox(TEST_SECRET);
      const output = join(dir, 'backup.mcpbak');
      await createBackup({
        databaseUrl: live.testStore.url,
        cwd: dir,
        output,
        keyFingerprint: secrets.fingerprint,
        appVersion: 'test',
      });
      const restored = `sqlite:///${join(dir, 'restored.db')}`;
      await restoreBackup(output, { databaseUrl: restored, cwd: dir, secrets });
      expect((await toolNames(restored)).sort()).toEqual(acknowledged.sort());
    } finally {
      await live.close();
    }
  });
});
