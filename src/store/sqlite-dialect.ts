// SQLite dialect whose migration lock holds across processes, not only within one connection.
import {
  SqliteAdapter,
  SqliteDialect,
  sql,
  type DialectAdapter,
  type Kysely,
  type MigrationLockOptions,
} from 'kysely';
import { AppError } from '../errors/app-error.js';

const STALE_LOCK_MS = 5 * 60_000;
const LOCK_WAIT_MS = 120_000;

/**
 * Kysely's SQLite adapter relies on the single in-process connection for its lock, which does not stop a
 * second process. Here the lock row is claimed with an atomic UPDATE (waiting on SQLite's busy timeout), and
 * a claim older than STALE_LOCK_MS (a crashed migrator) is taken over.
 */
class CrossProcessSqliteAdapter extends SqliteAdapter {
  override async acquireMigrationLock(db: Kysely<unknown>, opt: MigrationLockOptions): Promise<void> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      const now = Date.now();
      const result = await sql`update ${sql.table(opt.lockTable)} set is_locked = ${now}
        where id = ${opt.lockRowId} and (is_locked = 0 or is_locked < ${now - STALE_LOCK_MS})`.execute(db);
      if (Number(result.numAffectedRows ?? 0) === 1) return;
      if (Date.now() > deadline)
        throw new AppError({
          code: 'Unavailable',
          message: 'Timed out waiting for another process to finish migrating the database',
        });
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  override async releaseMigrationLock(db: Kysely<unknown>, opt: MigrationLockOptions): Promise<void> {
    await sql`update ${sql.table(opt.lockTable)} set is_locked = 0 where id = ${opt.lockRowId}`.execute(db);
  }
}

export class LockingSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new CrossProcessSqliteAdapter();
  }
}
