// backup → restore on every backend while a client keeps registering tools: nothing acknowledged before the
// backup started is missing from the restored database, which a gateway then serves.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../../src/auth/secret-box.js';
import { createBackup } from '../../../src/backup/create-backup.js';
import { restoreBackup } from '../../../src/backup/restore-backup.js';
import { verifyBackup } from '../../../src/backup/verify-backup.js';
import { inspectSqlite } from '../../../src/store/snapshot/sqlite-snapshot.js';
import { parseDatabaseUrl } from '../../../src/store/db.js';
import { backends } from '../../helpers/backends.js';
import { freshTarget, securedTool, serveOn, TEST_SECRET } from '../../helpers/backup.js';
import { buildTestApp, type TestApp } from '../../helpers/test-app.js';

const secrets = createSecretBox(TEST_SECRET);

const variants = backends().flatMap((backend) =>
  backend.name === 'sqlite'
    ? [{ backend, label: 'sqlite', usePgDump: false }]
    : [
        { backend, label: 'postgres, pg_dump', usePgDump: true },
        { backend, label: 'postgres, built-in dump', usePgDump: false },
      ],
);

for (const { backend, label, usePgDump } of variants) {
  describe(`backup and restore under writes (${label})`, () => {
    let source: TestApp;
    const dir = mkdtempSync(join(tmpdir(), 'mcpgw-backup-'));
    beforeAll(async () => {
      source = await buildTestApp(backend);
    });
    afterAll(async () => source.close());

    it('restores every registration acknowledged before the backup started, and a gateway serves them', async () => {
      const acknowledged: Array<{ id: string; name: string }> = [];
      let writing = true;
      let attempt = 0;
      const writer = (async () => {
        while (writing) {
          const name = `tool_${attempt++}`;
          const res = await source.call('POST', '/tools', securedTool(name));
          if (res.statusCode === 201) acknowledged.push({ id: res.json<{ id: string }>().id, name });
        }
      })();
      while (acknowledged.length < 25) await new Promise((r) => setTimeout(r, 5));
      const before = [...acknowledged];
      const output = join(dir, `${label.replace(/\W+/g, '-')}.mcpbak`);
      const { manifest } = await createBackup({
        databaseUrl: source.testStore.url,
        cwd: dir,
        output,
        keyFingerprint: secrets.fingerprint,
        appVersion: 'test',
        usePgDump,
      });
      const duringBackup = acknowledged.length - before.length;
      writing = false;
      await writer;
      expect(duringBackup).toBeGreaterThan(0);
      expect(manifest.database.payload).toBe(
        backend.name === 'sqlite' ? 'sqlite' : usePgDump ? 'pg_dump' : 'logical',
      );
      expect(manifest.rowCounts.tools).toBeGreaterThanOrEqual(before.length);
      expect(manifest.encryptedSecrets.tools).toBe(manifest.rowCounts.tools);
      expect((await verifyBackup(output, { keyFingerprint: secrets.fingerprint })).warnings).toEqual([]);

      const target = await freshTarget(backend, manifest.database.schema);
      try {
        const restored = await restoreBackup(output, { databaseUrl: target.url, cwd: dir, secrets });
        expect(restored.decrypted).toBeGreaterThan(0);
        if (backend.name === 'sqlite')
          expect((await inspectSqlite(parseDatabaseUrl(target.url).target)).integrity).toBe('ok');
        const gateway = await serveOn(target.url);
        try {
          const listed = (await gateway.get('/tools')).json() as Array<{ name: string }>;
          expect(listed).toHaveLength(manifest.rowCounts.tools ?? -1);
          const names = new Set(listed.map((t) => t.name));
          expect(before.filter((t) => !names.has(t.name))).toEqual([]);
          const one = await gateway.get(`/tools/${before[0]?.id ?? ''}`);
          expect(one.statusCode).toBe(200);
          expect(one.json()).toMatchObject({ name: before[0]?.name, auth: { authType: 'bearer' } });
        } finally {
          await gateway.close();
        }
      } finally {
        await target.dispose();
      }
    }, 120_000);
  });
}
