// PostgreSQL through pg_dump -Fc / pg_restore: the dump reads the snapshot our repeatable-read transaction
// exported, so the row counts in the manifest describe exactly the rows in the dump.
import type { Readable } from 'node:stream';
import pg from 'pg';
import { AppError } from '../../errors/app-error.js';
import { currentSchema, readPgFacts } from './pg-facts.js';
import { runTool } from './run-tool.js';
import { APP_TABLES, EPHEMERAL_TABLES, type SnapshotFacts } from './snapshot-facts.js';

export interface PgSnapshot {
  facts: SnapshotFacts;
  /** The schema dumped (DATABASE_URL's current schema); a restore recreates it under the same name. */
  schema: string;
}

export async function withPgClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function requireSchema(client: pg.ClientBase): Promise<string> {
  const schema = await currentSchema(client);
  if (schema === null)
    throw new AppError({
      code: 'Invalid',
      message: 'DATABASE_URL names no existing schema (check its search_path): nothing to back up',
    });
  return schema;
}

/** pg_dump -Fc of DATABASE_URL's current schema into `destPath`, without the ephemeral tables' rows. */
export function dumpWithPgDump(url: string, destPath: string): Promise<PgSnapshot> {
  return withPgClient(url, async (client) => {
    await client.query('begin isolation level repeatable read read only');
    try {
      const { rows } = await client.query<{ id: string }>('select pg_export_snapshot() as id');
      const schema = await requireSchema(client);
      const facts = await readPgFacts(client, schema);
      const args = ['-Fc', '--no-owner', '--no-privileges', `--snapshot=${rows[0]?.id ?? ''}`];
      args.push(`--schema=${schema}`);
      for (const table of EPHEMERAL_TABLES) args.push(`--exclude-table-data=${schema}.${table}`);
      await runTool('pg_dump', [...args, '-f', destPath, '-d', url]);
      return { facts, schema };
    } finally {
      await client.query('commit').catch(() => undefined);
    }
  });
}

/** pg_restore --list: the archive (a file or a stream) reads to its end and holds the data of every table counted. */
export async function checkPgDump(archive: string | Readable, facts: SnapshotFacts): Promise<void> {
  const { stdout } =
    typeof archive === 'string'
      ? await runTool('pg_restore', ['--list', archive])
      : await runTool('pg_restore', ['--list'], archive);
  const withData = new Set(
    [...stdout.matchAll(/ TABLE DATA \S+ (\S+) /g)].map((m) => m[1]).filter((t) => t !== undefined),
  );
  const missing = APP_TABLES.filter(
    (t) => !EPHEMERAL_TABLES.has(t) && facts.rowCounts[t] !== undefined && !withData.has(t),
  );
  if (missing.length > 0)
    throw new AppError({
      code: 'Invalid',
      message: `The pg_dump archive lacks the data of ${missing.join(', ')}`,
    });
}

/**
 * Replaces the schema's objects with the archive's in one transaction (--single-transaction implies
 * --exit-on-error): an archive that ends early or fails half-way leaves the database as it was.
 */
export async function restoreWithPgRestore(url: string, archive: Readable): Promise<void> {
  await runTool(
    'pg_restore',
    ['--clean', '--if-exists', '--single-transaction', '--no-owner', '--no-privileges', '-d', url],
    archive,
  );
}
