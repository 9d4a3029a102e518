// Runs the ordered migrations under a lock (advisory lock on PostgreSQL, lock row on SQLite) so two starting processes never both migrate.
import {
  Migrator,
  SqliteAdapter,
  type Kysely,
  type Migration,
  type MigrationLockOptions,
  type MigrationResultSet,
} from 'kysely';
import { sql } from 'kysely';
import { AppError } from '../errors/app-error.js';
import type { SqlDialectName, Store } from './db.js';
import { init } from './migrations/0001-init.js';
import { serversGateways } from './migrations/0002-servers-gateways.js';

/** Ordered: a new migration is appended, never inserted or renamed. */
function migrations(dialect: SqlDialectName): Record<string, Migration> {
  return {
    '0001-init': init(dialect),
    '0002-servers-gateways': serversGateways(),
  };
}

export interface MigrateOutcome {
  applied: string[];
}

export async function migrateToLatest(store: Store): Promise<MigrateOutcome> {
  const db = store.db as unknown as Kysely<unknown>;
  const provider = { getMigrations: () => Promise.resolve(migrations(store.dialect)) };
  const migrator = new Migrator({ db, provider });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new AppError({
      code: 'Internal',
      message: `Database migration ${failed} failed: ${String(result.error)}`,
      cause: result.error,
    });
  }
  return {
    applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
  };
}
