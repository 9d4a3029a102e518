// A restore killed half-way (SIGKILL, no cleanup) or failing half-way leaves the old database as it was.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../../src/auth/secret-box.js';
import { openArtifact } from '../../../src/backup/artifact.js';
import { createBackup } from '../../../src/backup/create-backup.js';
import { restoreBackup } from '../../../src/backup/restore-backup.js';
import { parseDatabaseUrl } from '../../../src/store/db.js';
import { restoreWithPgRestore } from '../../../src/store/snapshot/pg-dump.js';
import { inspectSqlite } from '../../../src/store/snapshot/sqlite-snapshot.js';
import { backends } from '../../helpers/backends.js';
import {
  freshTarget,
  registerTool,
  securedTool,
  TEST_SECRET,
  toolNames,
  type Target,
} from '../../helpers/backup.js';
import { buildTestApp } from '../../helpers/test-app.js';

const secrets = createSecretBox(TEST_SECRET);
const FIXTURE = fileURLToPath(new URL('../../fixtures/backup/restore-then-die.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

function restoreThenDie(file: string, url: string, step: string): Promise<{ signal: string | null }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', TSX, FIXTURE, file, url, step],
      { env: { PATH: process.env.PATH, AUTH_ENCRYPTION_SECRET: TEST_SECRET }, timeout: 60_000 },
      (error) => resolve({ signal: (error as { signal?: string } | null)?.signal ?? null }),
    );
  });
}

for (const backend of backends()) {
  // PostgreSQL: the built-in dump loads and checks inside one transaction, so the kill lands inside it.
  const usePgDump = false;
  describe(`restore interrupted (${backend.name})`, () => {
    let target: Target;
    const dir = mkdtempSync(join(tmpdir(), 'mcpgw-killed-'));
    const file = join(dir, 'backup.mcpbak');

    beforeAll(async () => {
      const source = await buildTestApp(backend);
      for (const name of ['a', 'b'])
        expect((await source.call('POST', '/tools', securedTool(name))).statusCode).toBe(201);
      const { manifest } = await createBackup({
        databaseUrl: source.testStore.url,
        cwd: dir,
        output: file,
        keyFingerprint: secrets.fingerprint,
        appVersion: 'test',
        usePgDump,
      });
      await source.close();
      target = await freshTarget(backend, manifest.database.schema);
      await restoreBackup(file, { databaseUrl: target.url, cwd: dir, secrets });
      await registerTool(target.url, 'only_in_the_old_database');
    });
    afterAll(async () => target.dispose());

    it('leaves the old database intact when the restore is killed after loading, before it is in place', async () => {
      expect(await restoreThenDie(file, target.url, 'checking')).toEqual({ signal: 'SIGKILL' });
      expect(await toolNames(target.url)).toEqual(['a', 'b', 'only_in_the_old_database']);
      if (backend.name === 'sqlite')
        expect((await inspectSqlite(parseDatabaseUrl(target.url).target)).integrity).toBe('ok');
      // And the next restore completes.
      await restoreBackup(file, { databaseUrl: target.url, cwd: dir, secrets });
      expect(await toolNames(target.url)).toEqual(['a', 'b']);
    }, 120_000);

    if (backend.name === 'postgres')
      it('pg_restore fed an archive that ends half-way changes nothing', async () => {
        await registerTool(target.url, 'kept');
        const source = await buildTestApp(backend);
        const archive = join(dir, 'pg-dump.mcpbak');
        const { manifest } = await createBackup({
          databaseUrl: source.testStore.url,
          cwd: dir,
          output: archive,
          keyFingerprint: secrets.fingerprint,
          appVersion: 'test',
          usePgDump: true,
        });
        await source.close();
        const { payloadOffset } = await openArtifact(archive);
        const bytes = readFileSync(archive).subarray(
          payloadOffset,
          payloadOffset + manifest.payload.bytes / 2,
        );
        await expect(restoreWithPgRestore(target.url, Readable.from([bytes]))).rejects.toThrow(
          /pg_restore failed/,
        );
        expect(await toolNames(target.url)).toEqual(['a', 'b', 'kept']);
      });
  });
}
