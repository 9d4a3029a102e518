// Scheduled backups on two instances sharing a database: one verified backup per tick, pruned by retention,
// and a failing run that deletes nothing.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../../src/auth/secret-box.js';
import { listBackups } from '../../../src/backup/list-backups.js';
import type { BackupScheduler } from '../../../src/backup/schedule/backup-scheduler.js';
import { createBackupScheduler } from '../../../src/backup/schedule/start-backup-schedule.js';
import { verifyBackup } from '../../../src/backup/verify-backup.js';
import { parseCron } from '../../../src/lib/cron.js';
import { backends } from '../../helpers/backends.js';
import { securedTool, TEST_SECRET } from '../../helpers/backup.js';
import { buildTestApp, type TestApp } from '../../helpers/test-app.js';

const secrets = createSecretBox(TEST_SECRET);

for (const backend of backends()) {
  describe(`scheduled backups on two instances (${backend.name})`, () => {
    let source: TestApp;
    const dir = mkdtempSync(join(tmpdir(), 'mcpgw-schedule-'));
    const backupDir = join(dir, 'backups');
    let clock = new Date('2030-01-01T00:00:00Z');
    const registries = [new Registry(), new Registry()];
    const logs: string[] = [];
    let instances: BackupScheduler[] = [];

    beforeAll(async () => {
      source = await buildTestApp(backend);
      expect((await source.call('POST', '/tools', securedTool('scheduled'))).statusCode).toBe(201);
      instances = ['instance-a', 'instance-b'].map((instanceId, i) =>
        createBackupScheduler({
          config: {
            databaseUrl: source.testStore.url,
            backupDir: 'backups',
            backupRetention: { keepLast: 2, keepDays: undefined },
          },
          schedule: parseCron('0 3 * * *'),
          db: source.testStore.store.db,
          instanceId,
          keyFingerprint: secrets.fingerprint,
          appVersion: 'test',
          registry: registries[i] ?? new Registry(),
          log: { info: (m) => logs.push(m), error: (m) => logs.push(m) },
          cwd: dir,
          now: () => clock,
        }),
      );
    });
    afterAll(async () => {
      for (const instance of instances) await instance.stop();
      await source.close();
    });

    /** Fires the tick on both instances at once, as two gateways' timers would. */
    const tickBoth = async (at: Date) => {
      clock = at;
      return Promise.all(instances.map((s) => s.runTick(at)));
    };
    const runs = async (outcome: string) => {
      let total = 0;
      for (const registry of registries) {
        const metric = await registry.getSingleMetric('mcpgateway_backup_runs_total')?.get();
        total += metric?.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
      }
      return total;
    };

    it('writes exactly one verified backup per tick and keeps the last two', async () => {
      const schedule = parseCron('0 3 * * *');
      let tick = schedule.next(clock);
      for (let day = 0; day < 3; day += 1) {
        const outcomes = await tickBoth(tick);
        expect(outcomes.filter((o) => o.ran)).toHaveLength(1);
        expect(outcomes.find((o) => o.ran)).toMatchObject({ ok: true });
        tick = schedule.next(tick);
      }
      const kept = await listBackups(backupDir);
      expect(kept.map((b) => b.file)).toEqual([
        'mcp-2030-01-03-030000.mcpbak',
        'mcp-2030-01-02-030000.mcpbak',
      ]);
      for (const b of kept) await verifyBackup(b.path, { keyFingerprint: secrets.fingerprint });
      expect(kept[0]?.manifest?.rowCounts.tools).toBe(1);
      expect(await runs('success')).toBe(3);
    });

    it('keeps every good backup when a run fails, and counts the failure', async () => {
      // A file already holding the next tick's name makes that run fail before it writes anything.
      mkdirSync(backupDir, { recursive: true });
      writeFileSync(join(backupDir, 'mcp-2030-01-04-030000.mcpbak'), 'not a backup');
      const outcomes = await tickBoth(new Date('2030-01-04T03:00:00Z'));
      expect(outcomes.find((o) => o.ran)).toMatchObject({
        ok: false,
        error: expect.stringContaining('exists already'),
      });
      const files = (await listBackups(backupDir)).map((b) => b.file);
      expect(files).toEqual([
        'mcp-2030-01-04-030000.mcpbak',
        'mcp-2030-01-03-030000.mcpbak',
        'mcp-2030-01-02-030000.mcpbak',
      ]);
      expect(await runs('failure')).toBe(1);
      expect(logs.some((l) => l.startsWith('scheduled backup failed:'))).toBe(true);
    });
  });
}
