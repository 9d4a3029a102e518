// Runs the ordered migrations under a lock (advisory lock on PostgreSQL, lock row on SQLite) so two starting processes never both migrate.
import { Migrator, sql, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import { AppError } from '../errors/app-error.js';
import type { SqlDialectName, Store } from './db.js';
import { init } from './migrations/0001-init.js';
import { serversGateways } from './migrations/0002-servers-gateways.js';
import { gatewayServerInfo } from './migrations/0003-gateway-server-info.js';
import { mcpSessionSubject } from './migrations/0004-mcp-session-subject.js';
import { resourceUriPerGateway } from './migrations/0005-resource-uri-per-gateway.js';
import { eventBusPayloads } from './migrations/0006-event-bus-payloads.js';

/** Ordered: a new migration is appended, never inserted or renamed. */
export function migrations(dialect: SqlDialectName): Record<string, Migration> {
  return {
    '0001-init': init(dialect),
    '0002-servers-gateways': serversGateways(),
    '0003-gateway-server-info': gatewayServerInfo(),
    '0004-mcp-session-subject': mcpSessionSubject(),
    '0005-resource-uri-per-gateway': resourceUriPerGateway(dialect),
    '0006-event-bus-payloads': eventBusPayloads(dialect),
  };
}

/** The name of every migration this code knows, oldest first (a backup of a newer schema is refused). */
export function knownMigrationNames(): string[] {
  return Object.keys(migrations('sqlite'));
}

export interface MigrateOutcome {
  applied: string[];
}

/** Runs every migration not applied yet; `upTo` stops after the named one (tests of a migration's own data step). */
export async function migrateToLatest(store: Store, upTo?: string): Promise<MigrateOutcome> {
  const db = store.db as unknown as Kysely<unknown>;
  const provider = { getMigrations: () => Promise.resolve(migrations(store.dialect)) };
  // Kysely looks for its bookkeeping tables across every schema: pin them to the schema we migrate, so
  // another application (or test suite) using Kysely in the same database never confuses the two.
  const migrationTableSchema =
    store.dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    provider,
    ...(migrationTableSchema === undefined ? {} : { migrationTableSchema }),
  });
  const result: MigrationResultSet =
    upTo === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(upTo);
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new AppError({
      code: 'Internal',
      message: `Database migration ${failed} failed: ${result.error instanceof Error ? result.error.message : JSON.stringify(result.error)}`,
      cause: result.error,
    });
  }
  return {
    applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
  };
}
