// The built-in PostgreSQL dump for hosts without pg_dump: JSON lines of every row read in one repeatable-read
// transaction, loaded back in one transaction that rebuilds the schema at the dump's migration.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Kysely, PostgresDialect, type PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { AppError } from '../../errors/app-error.js';
import { migrations } from '../migrate.js';
import type { Database } from '../schema.js';
import { currentSchema, quoteIdent as q, readPgFacts } from './pg-facts.js';
import { requireSchema, withPgClient, type PgSnapshot } from './pg-dump.js';
import { APP_TABLES, EPHEMERAL_TABLES, type SnapshotFacts } from './snapshot-facts.js';

const FORMAT = 'mcpgateway-logical/1';
const BATCH_ROWS = 500;
const MIGRATION_TABLES = ['kysely_migration', 'kysely_migration_lock'];

type Line =
  | { format: string; schema: string; migrations: Array<{ name: string; timestamp: string }> }
  | { table: string; columns: string[] };

/** bytea comes back as a Buffer: written as {"$b64": …} and turned back into bytes on load. */
const encodeValue = (v: unknown): unknown =>
  Buffer.isBuffer(v) ? { $b64: v.toString('base64') } : v instanceof Date ? v.toISOString() : v;
const decodeValue = (v: unknown): unknown =>
  v !== null && typeof v === 'object' && '$b64' in v && typeof v.$b64 === 'string'
    ? Buffer.from(v.$b64, 'base64')
    : v;

export function dumpLogical(url: string, destPath: string): Promise<PgSnapshot> {
  return withPgClient(url, async (client) => {
    await client.query('begin isolation level repeatable read read only');
    const out = createWriteStream(destPath, { flags: 'wx' });
    const write = async (value: unknown): Promise<void> => {
      if (!out.write(`${JSON.stringify(value)}\n`)) await once(out, 'drain');
    };
    try {
      const schema = await requireSchema(client);
      const facts = await readPgFacts(client, schema);
      const applied = await client.query<{ name: string; timestamp: string }>(
        `select name, timestamp from ${q(schema)}.kysely_migration order by name`,
      );
      await write({ format: FORMAT, schema, migrations: applied.rows });
      for (const table of APP_TABLES) {
        if (EPHEMERAL_TABLES.has(table) || facts.rowCounts[table] === undefined) continue;
        const result = await client.query({
          text: `select * from ${q(schema)}.${q(table)}`,
          rowMode: 'array',
        });
        await write({ table, columns: result.fields.map((f) => f.name) });
        for (const row of result.rows as unknown[][]) await write(row.map(encodeValue));
      }
      out.end();
      await once(out, 'finish');
      return { facts, schema };
    } finally {
      out.destroy();
      await client.query('commit').catch(() => undefined);
    }
  });
}

/** Kysely over the one client whose transaction we hold, so migrations run inside it. */
function kyselyOn(client: pg.ClientBase): Kysely<Database> {
  const connection = {
    query: (text: string, values: unknown[]) => client.query(text, values),
    release: () => undefined,
  };
  const pool = {
    connect: () => Promise.resolve(connection as unknown as PostgresPoolClient),
    end: () => Promise.resolve(),
  };
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

export type LoadCheck = (db: Kysely<Database>, facts: SnapshotFacts) => Promise<void>;

/**
 * Drops the schema's tables, migrates to the dump's version, inserts every row, then runs `check` (row
 * counts, decryption): all in one transaction, so a failure anywhere leaves the database as it was.
 */
export function loadLogical(url: string, payload: Readable, check: LoadCheck): Promise<void> {
  return withPgClient(url, async (client) => {
    const lines = createInterface({ input: payload, crlfDelay: Infinity })[Symbol.asyncIterator]();
    const next = async (): Promise<unknown> => {
      const result: IteratorResult<string> = await lines.next();
      return result.done === true ? undefined : (JSON.parse(result.value) as unknown);
    };
    const head = (await next()) as Extract<Line, { format: string }> | undefined;
    if (head?.format !== FORMAT) throw new AppError({ code: 'Invalid', message: `Not a ${FORMAT} dump` });
    await client.query('begin');
    try {
      const existing = await currentSchema(client);
      if (existing === null) {
        await client.query(`create schema ${q(head.schema)}`);
        await client.query(`set local search_path to ${q(head.schema)}`);
      }
      const schema = existing ?? head.schema;
      for (const t of [...MIGRATION_TABLES, ...[...APP_TABLES].reverse()])
        await client.query(`drop table if exists ${q(schema)}.${q(t)} cascade`);
      const db = kyselyOn(client);
      const known = migrations('postgres');
      for (const { name } of head.migrations) {
        const migration = known[name];
        if (migration === undefined)
          throw new AppError({
            code: 'Invalid',
            message: `The dump needs migration ${name}, unknown to this version`,
          });
        await migration.up(db);
      }
      await client.query(
        'create table kysely_migration (name varchar(255) not null primary key, timestamp varchar(255) not null)',
      );
      await client.query(
        'create table kysely_migration_lock (id varchar(255) not null primary key, is_locked integer not null default 0)',
      );
      await client.query(`insert into kysely_migration_lock values ('migration_lock', 0)`);
      for (const m of head.migrations)
        await client.query('insert into kysely_migration values ($1, $2)', [m.name, m.timestamp]);
      await insertRows(client, next);
      await check(db, await readPgFacts(client, schema));
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
  });
}

async function insertRows(client: pg.ClientBase, next: () => Promise<unknown>): Promise<void> {
  let table: { table: string; columns: string[] } | undefined;
  let batch: unknown[][] = [];
  const flush = async (): Promise<void> => {
    if (table === undefined || batch.length === 0) return;
    const width = table.columns.length;
    const { columns } = table;
    const tuples = batch.map((_, r) => `(${columns.map((__, c) => `$${r * width + c + 1}`).join(', ')})`);
    await client.query(
      `insert into ${q(table.table)} (${columns.map(q).join(', ')}) values ${tuples.join(', ')}`,
      batch.flat().map(decodeValue),
    );
    batch = [];
  };
  const finishTable = async (): Promise<void> => {
    await flush();
    // Serial ids were inserted explicitly: move each sequence past them.
    if (table?.columns.includes('id') !== true) return;
    const { rows } = await client.query<{ seq: string | null }>(
      `select pg_get_serial_sequence($1, 'id') as seq`,
      [table.table],
    );
    const seq = rows[0]?.seq;
    if (seq !== null && seq !== undefined)
      await client.query(
        `select setval($1, coalesce((select max(id) from ${q(table.table)}), 0) + 1, false)`,
        [seq],
      );
  };
  for (let line = await next(); line !== undefined; line = await next()) {
    if (Array.isArray(line)) {
      batch.push(line);
      if (batch.length >= BATCH_ROWS) await flush();
      continue;
    }
    await finishTable();
    table = line as { table: string; columns: string[] };
  }
  await finishTable();
}

/** Rows per table of a logical dump, read to its end (its self-check: every line parses, counts match). */
export async function countLogicalRows(payload: Readable): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let table: string | undefined;
  let first = true;
  for await (const text of createInterface({ input: payload, crlfDelay: Infinity })) {
    const line = JSON.parse(text) as unknown;
    if (first) {
      if ((line as { format?: unknown }).format !== FORMAT)
        throw new AppError({ code: 'Invalid', message: `Not a ${FORMAT} dump` });
      first = false;
    } else if (Array.isArray(line)) {
      if (table === undefined) throw new AppError({ code: 'Invalid', message: 'A row precedes its table' });
      counts[table] = (counts[table] ?? 0) + 1;
    } else {
      table = (line as { table: string }).table;
      counts[table] = 0;
    }
  }
  return counts;
}
