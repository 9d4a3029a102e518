// The facts of a PostgreSQL schema read inside the caller's transaction (the dump's snapshot), and the running-schema check.
import type pg from 'pg';
import { AppError } from '../../errors/app-error.js';
import { APP_TABLES, EPHEMERAL_TABLES, SECRET_TABLES, type SnapshotFacts } from './snapshot-facts.js';

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The schema DATABASE_URL's search_path resolves to; null when none of its schemas exists yet. */
export async function currentSchema(client: pg.ClientBase): Promise<string | null> {
  const { rows } = await client.query<{ schema: string | null }>('select current_schema() as schema');
  return rows[0]?.schema ?? null;
}

async function tablesIn(client: pg.ClientBase, schema: string): Promise<Set<string>> {
  const { rows } = await client.query<{ name: string }>(
    'select table_name as name from information_schema.tables where table_schema = $1',
    [schema],
  );
  return new Set(rows.map((r) => r.name));
}

/** Row counts, encrypted-secret counts and the last migration of `schema`, as the client's transaction sees them. */
export async function readPgFacts(client: pg.ClientBase, schema: string): Promise<SnapshotFacts> {
  const present = await tablesIn(client, schema);
  if (!present.has('kysely_migration'))
    throw new AppError({
      code: 'Invalid',
      message: `Schema "${schema}" holds no MCP Gateway database (no kysely_migration table): run mcpgateway migrate first`,
    });
  const rowCounts: Record<string, number> = {};
  for (const table of APP_TABLES) {
    if (!present.has(table)) continue;
    // Ephemeral rows are never dumped, so the copy holds none of them.
    if (EPHEMERAL_TABLES.has(table)) {
      rowCounts[table] = 0;
      continue;
    }
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from ${quote(schema)}.${quote(table)}`,
    );
    rowCounts[table] = Number(rows[0]?.n ?? 0);
  }
  const encryptedSecrets = { tools: 0, gateways: 0 };
  for (const table of SECRET_TABLES) {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from ${quote(schema)}.${quote(table)} where auth_value is not null`,
    );
    encryptedSecrets[table] = Number(rows[0]?.n ?? 0);
  }
  const { rows } = await client.query<{ name: string }>(
    `select name from ${quote(schema)}.kysely_migration order by name desc limit 1`,
  );
  return { schemaVersion: rows[0]?.name ?? '', rowCounts, encryptedSecrets };
}

export { quote as quoteIdent };
