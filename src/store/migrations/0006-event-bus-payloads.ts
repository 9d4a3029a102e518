// 0006: event_bus_payloads holds event-bus messages too large for one PostgreSQL NOTIFY (8000 bytes); the
// notification carries the row's id and receivers load it. Rows are pruned minutes later.
import type { Kysely } from 'kysely';
import type { SqlDialectName } from '../db.js';

export function eventBusPayloads(dialect: SqlDialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const table = db.schema.createTable('event_bus_payloads');
      await (
        dialect === 'postgres'
          ? table.addColumn('id', 'bigserial', (c) => c.primaryKey())
          : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      )
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('event_bus_payloads_created_idx')
        .on('event_bus_payloads')
        .column('created_at')
        .execute();
    },
  };
}
