// startBackupSchedule: the BackupScheduler wired to config, the database and the key; main.ts stops it on close.
import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { Config } from '../../config/load.js';
import type { CronSchedule } from '../../lib/cron.js';
import { Lease } from '../../store/lease.js';
import type { Database } from '../../store/schema.js';
import { createBackup } from '../create-backup.js';
import { verifyBackup } from '../verify-backup.js';
import { createBackupMetrics } from './backup-metrics.js';
import { BackupScheduler } from './backup-scheduler.js';

export interface BackupScheduleDeps {
  config: Pick<Config, 'databaseUrl' | 'backupDir' | 'backupRetention'>;
  schedule: CronSchedule;
  db: Kysely<Database>;
  /** This instance's id (the lease holder). */
  instanceId: string;
  keyFingerprint: string;
  appVersion: string;
  registry: Registry;
  log: { info(message: string): void; error(message: string): void };
  cwd?: string;
  now?: () => Date;
}

/** Another instance takes the schedule over this long after the leader stopped renewing. */
const LEASE_TTL_MS = 5 * 60_000;

export function createBackupScheduler(deps: BackupScheduleDeps): BackupScheduler {
  const cwd = deps.cwd ?? process.cwd();
  const dir = resolve(cwd, deps.config.backupDir);
  const now = deps.now ?? (() => new Date());
  return new BackupScheduler({
    schedule: deps.schedule,
    dir,
    retention: deps.config.backupRetention,
    lease: new Lease({
      db: deps.db,
      name: 'scheduled-backups',
      holder: deps.instanceId,
      ttlMs: LEASE_TTL_MS,
      now,
    }),
    backup: (output) =>
      createBackup({
        databaseUrl: deps.config.databaseUrl,
        cwd,
        output,
        keyFingerprint: deps.keyFingerprint,
        appVersion: deps.appVersion,
        now,
      }),
    verify: async (path) => {
      // Checked beside the artifact, where there is room for it, rather than in a possibly small /tmp.
      await verifyBackup(path, { keyFingerprint: deps.keyFingerprint, scratchDir: dir });
    },
    metrics: createBackupMetrics(deps.registry),
    log: deps.log,
    now,
  });
}
