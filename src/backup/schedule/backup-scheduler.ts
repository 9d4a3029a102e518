// BackupScheduler: at each BACKUP_SCHEDULE tick the lease holder writes a backup, verifies it, then prunes by
// retention. Pruning never runs before a new backup verified, so a failing run never deletes a good one.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CronSchedule } from '../../lib/cron.js';
import { defaultBackupName, type BackupResult } from '../create-backup.js';
import { listBackups } from '../list-backups.js';
import type { BackupMetrics } from './backup-metrics.js';
import { prunable, type RetentionRule } from './retention.js';

/** The leader lease (store/lease.ts): only its holder runs a tick. */
export interface TickLease {
  acquire(): Promise<boolean>;
  release(): Promise<void>;
}

export interface BackupSchedulerOptions {
  schedule: CronSchedule;
  dir: string;
  retention: RetentionRule;
  lease: TickLease;
  /** Writes a backup to `output` (createBackup bound to the database and key). */
  backup: (output: string) => Promise<BackupResult>;
  /** Every check of a restore, on the new artifact; throws when it fails. */
  verify: (path: string) => Promise<void>;
  metrics: BackupMetrics;
  log: { info(message: string): void; error(message: string): void };
  now?: () => Date;
}

export type TickOutcome =
  | { ran: false }
  | { ran: true; ok: true; path: string; pruned: string[] }
  | { ran: true; ok: false; error: string };

export class BackupScheduler {
  readonly #opts: BackupSchedulerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<TickOutcome> | undefined;
  #stopped = false;

  constructor(opts: BackupSchedulerOptions) {
    this.#opts = opts;
  }

  #now(): Date {
    return (this.#opts.now ?? (() => new Date()))();
  }

  start(): void {
    if (this.#stopped) return;
    const tick = this.#opts.schedule.next(this.#now());
    // setTimeout holds at most ~24.8 days; a later tick re-arms on the way.
    const delay = Math.min(tick.getTime() - this.#now().getTime(), 2 ** 31 - 1);
    this.#timer = setTimeout(
      () => {
        const due = this.#now().getTime() >= tick.getTime();
        const run = due ? this.runTick(tick) : Promise.resolve<TickOutcome>({ ran: false });
        void run.finally(() => this.start());
      },
      Math.max(delay, 0),
    );
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
    await this.#opts.lease.release().catch(() => undefined);
  }

  /** One tick at its scheduled time `at`: nothing unless this instance holds the lease. */
  runTick(at: Date): Promise<TickOutcome> {
    this.#running ??= this.#tick(at).finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #tick(at: Date): Promise<TickOutcome> {
    const { dir, log, metrics } = this.#opts;
    if (!(await this.#opts.lease.acquire())) return { ran: false };
    const started = Date.now();
    const path = join(dir, defaultBackupName(at));
    let written = false;
    try {
      const result = await this.#opts.backup(path);
      written = true;
      await this.#opts.verify(path);
      metrics.succeeded(this.#now(), (Date.now() - started) / 1000, result.manifest.payload.bytes);
      const pruned = await this.#prune(path, new Date(result.manifest.createdAt));
      log.info(`scheduled backup ${path} written and verified; pruned ${pruned.length}`);
      return { ran: true, ok: true, path, pruned };
    } catch (error) {
      metrics.failed((Date.now() - started) / 1000);
      const message = error instanceof Error ? error.message : String(error);
      log.error(`scheduled backup failed: ${message}`);
      // An artifact that failed verification is no backup; the good ones stay.
      if (written) await rm(path, { force: true }).catch(() => undefined);
      return { ran: true, ok: false, error: message };
    }
  }

  /** Deletes readable backups the retention rule lets go; unreadable files are left for the operator. */
  async #prune(fresh: string, freshAt: Date): Promise<string[]> {
    const listed = await listBackups(this.#opts.dir);
    const dated = listed.flatMap((b) =>
      b.manifest === undefined || b.path === fresh
        ? []
        : [{ path: b.path, createdAt: new Date(b.manifest.createdAt) }],
    );
    const freshEntry = { path: fresh, createdAt: freshAt };
    const doomed = prunable([freshEntry, ...dated], this.#opts.retention, this.#now());
    for (const backup of doomed) await rm(backup.path, { force: true });
    return doomed.map((b) => b.path);
  }
}
