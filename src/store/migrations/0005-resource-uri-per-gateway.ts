// 0005: a resource URI is unique among local resources and within each gateway, not across the registry, so two
// gateways exposing the same URIs (two filesystem servers, two instances of one upstream) can both be registered.
import { sql, type Kysely } from 'kysely';
import type { SqlDialectName } from '../db.js';

async function dropGlobalUnique(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  if (dialect === 'postgres') {
    await sql`alter table resources drop constraint if exists resources_uri_key`.execute(db);
    return;
  }
  // SQLite cannot drop a column's UNIQUE: rebuild the table (its 12-step recipe) with foreign keys off, so the
  // rows that reference resources (metrics, associations, subscriptions) are neither cascaded nor re-pointed.
  const table = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'table' and name = 'resources'`.execute(db);
  const create = table.rows[0]?.sql ?? '';
  const without = create.replace(/("uri" text not null) unique/i, '$1');
  if (without === create)
    throw new Error('resources.uri: the UNIQUE column constraint to drop was not found');
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin`.execute(db);
    await sql
      .raw(without.replace(/^CREATE TABLE "?resources"?/i, 'create table "resources_0005"'))
      .execute(db);
    await sql`insert into resources_0005 select * from resources`.execute(db);
    await sql`drop table resources`.execute(db);
    await sql`alter table resources_0005 rename to resources`.execute(db);
    const broken = await sql`pragma foreign_key_check`.execute(db);
    if (broken.rows.length > 0) throw new Error('foreign keys broken by the resources rebuild');
    await sql`commit`.execute(db);
  } catch (error) {
    await sql`rollback`.execute(db);
    throw error;
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

export function resourceUriPerGateway(dialect: SqlDialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await dropGlobalUnique(db, dialect);
      await sql`create unique index resources_local_uri_idx on resources (uri) where gateway_id is null`.execute(
        db,
      );
      await sql`create unique index resources_gateway_uri_idx on resources (gateway_id, uri) where gateway_id is not null`.execute(
        db,
      );
    },
  };
}
