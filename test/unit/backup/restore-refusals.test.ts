// restore refuses what it cannot restore faithfully — with a message that says what to do — and writes nothing.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../../src/auth/secret-box.js';
import { createBackup } from '../../../src/backup/create-backup.js';
import { restoreBackup } from '../../../src/backup/restore-backup.js';
import { verifyBackup } from '../../../src/backup/verify-backup.js';
import { openStore, parseDatabaseUrl } from '../../../src/store/db.js';
import { startInstanceMarker } from '../../../src/store/instances.js';
import { backends } from '../../helpers/backends.js';
import {
  freshTarget,
  registerTool,
  securedTool,
  TEST_SECRET,
  toolNames,
  withEditedManifest,
  type Target,
} from '../../helpers/backup.js';
import { buildTestApp, type TestApp } from '../../helpers/test-app.js';

const secrets = createSecretBox(TEST_SECRET);

for (const backend of backends()) {
  describe(`restore refusals (${backend.name})`, () => {
    let source: TestApp;
    let target: Target;
    const dir = mkdtempSync(join(tmpdir(), 'mcpgw-refuse-'));
    const good = join(dir, 'good.mcpbak');
    const toolCount = async () => (await toolNames(target.url)).length;
    const restore = (file: string, opts: { force?: boolean; secret?: string } = {}) =>
      restoreBackup(file, {
        databaseUrl: target.url,
        cwd: dir,
        secrets: opts.secret === undefined ? secrets : createSecretBox(opts.secret),
        force: opts.force ?? false,
      });

    // The target: the backup restored into a fresh database, then one more tool, which a refused restore
    // must leave in place.
    beforeAll(async () => {
      source = await buildTestApp(backend);
      for (const name of ['a', 'b', 'c'])
        expect((await source.call('POST', '/tools', securedTool(name))).statusCode).toBe(201);
      const { manifest } = await createBackup({
        databaseUrl: source.testStore.url,
        cwd: dir,
        output: good,
        keyFingerprint: secrets.fingerprint,
        appVersion: 'test',
      });
      target = await freshTarget(backend, manifest.database.schema);
      await restore(good);
      await registerTool(target.url, 'after_backup');
    });
    afterAll(async () => {
      await source.close();
      await target.dispose();
    });

    const refusals: Array<[string, (file: string) => void | Promise<void>, RegExp]> = [
      [
        'a truncated file',
        (f) => writeFileSync(f, readFileSync(good).subarray(0, readFileSync(good).length / 2)),
        /truncated/,
      ],
      [
        'a corrupt payload',
        (f) => {
          const bytes = readFileSync(good);
          bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
          writeFileSync(f, bytes);
        },
        /checksum mismatch .* the file is corrupt/,
      ],
      [
        'a file that is no backup',
        (f) => writeFileSync(f, 'SQLite format 3\0 and so on'),
        /does not start with an MCP Gateway backup header/,
      ],
      [
        'a newer schema',
        (f) => withEditedManifest(good, f, (m) => ({ ...m, schemaVersion: '9999-from-the-future' })),
        /holds schema 9999-from-the-future, newer than this mcpgateway knows .* restore it with mcpgateway/,
      ],
    ];
    for (const [what, make, message] of refusals) {
      it(`refuses ${what} and changes nothing`, async () => {
        const file = join(dir, `${what.replace(/\W+/g, '-')}.mcpbak`);
        await make(file);
        await expect(verifyBackup(file, { keyFingerprint: secrets.fingerprint })).rejects.toThrow(message);
        await expect(restore(file)).rejects.toThrow(message);
        expect(await toolCount()).toBe(4);
      });
    }

    it('refuses another AUTH_ENCRYPTION_SECRET, and with --force restores saying what will not decrypt', async () => {
      await expect(restore(good, { secret: 'another-secret' })).rejects.toThrow(
        /another AUTH_ENCRYPTION_SECRET .*: 3 stored credentials \(3 tools, 0 gateways\) will not decrypt\. Set AUTH_ENCRYPTION_SECRET/,
      );
      expect(await toolCount()).toBe(4);
      const forced = await restore(good, { secret: 'another-secret', force: true });
      expect(forced.warnings.join()).toContain('3 stored credentials (3 tools, 0 gateways) will not decrypt');
      expect(await toolCount()).toBe(3);
    });

    it('refuses while a gateway runs on the database, and restores once it stopped', async () => {
      await registerTool(target.url, 'later');
      const running = openStore(target.url);
      const marker = await startInstanceMarker(running.db, 'running-gateway');
      try {
        await expect(restore(good)).rejects.toThrow(
          /A gateway is running on .*running-gateway.*stop every gateway/,
        );
        expect(await toolCount()).toBe(4);
      } finally {
        await marker.stop();
        await running.close();
      }
      expect((await restore(good)).decrypted).toBe(3);
      expect(await toolNames(target.url)).toEqual(['a', 'b', 'c']);
      if (backend.name === 'sqlite') {
        const db = parseDatabaseUrl(target.url).target;
        expect(readdirSync(dirname(db)).filter((f) => f.includes('.restore-'))).toEqual([]);
      }
    });
  });
}
