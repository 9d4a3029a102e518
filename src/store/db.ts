// Opens the Kysely database named by DATABASE_URL: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { AppError } from '../errors/app-error.js';
import type { Database } from './schema.js';
import { LockingSqliteDialect } from './sqlite-dialect.js';
import { withStatementCache } from './sqlite-statements.js';

export type SqlDialectName = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: SqlDialectName;
  /** A short description safe for logs (no password). */
  describe: string;
  close(): Promise<void>;
}

export interface ParsedDatabaseUrl {
  dialect: SqlDialectName;
  /** SQLite file path (absolute, or ':memory:'), or the PostgreSQL connection string. */
  target: string;
}

/** sqlite:///./rel.db → ./rel.db (relative to cwd); sqlite:////abs.db → /abs.db; postgres(ql)://… as is. */
export function parseDatabaseUrl(url: string, cwd = process.cwd()): ParsedDatabaseUrl {
  if (url.startsWith('sqlite:///')) {
    const path = url.slice('sqlite:///'.length);
    if (path === ':memory:') return { dialect: 'sqlite', target: ':memory:' };
    if (path.length === 0)
      throw new AppError({
        code: 'Invalid',
        message: 'DATABASE_URL: sqlite:/// needs a file path, e.g. sqlite:///./mcp.db',
      });
    return { dialect: 'sqlite', target: resolve(cwd, path) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', target: url };
  throw new AppError({
    code: 'Invalid',
    message: `DATABASE_URL must start with sqlite:/// or postgresql:// (got ${redactUrl(url)})`,
  });
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

export interface OpenOptions {
  poolSize?: number;
  cwd?: string;
}

export function openStore(url: string, opts: OpenOptions = {}): Store {
  const parsed = parseDatabaseUrl(url, opts.cwd);
  if (parsed.dialect === 'sqlite') {
    if (parsed.target !== ':memory:') mkdirSync(dirname(parsed.target), { recursive: true });
    const handle = new SqliteDatabase(parsed.target);
    handle.pragma('journal_mode = WAL');
    handle.pragma('foreign_keys = ON');
    handle.pragma('busy_timeout = 10000');
    handle.pragma('synchronous = NORMAL');
    const db = new Kysely<Database>({
      dialect: new LockingSqliteDialect({ database: withStatementCache(handle) }),
    });
    return { db, dialect: 'sqlite', describe: `sqlite ${parsed.target}`, close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: parsed.target,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    describe: `postgresql ${redactUrl(parsed.target)}`,
    close: () => db.destroy(),
  };
}

/** One round trip to the database; throws when it is unreachable. */
export async function pingStore(store: Store): Promise<void> {
  await sql`select 1`.execute(store.db);
}

/** Runs `work` in one transaction: what it writes through repos built on `trx` commits together or not at all. */
export function inTransaction<T>(store: Store, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return store.db.transaction().execute(work);
}

/**
 * Runs `work` inside a savepoint of the open transaction `trx`: when it throws, only its own writes are undone
 * (the transaction goes on) and the error is rethrown. `name` is a constant SQL identifier, never input.
 */
export async function inSavepoint<T>(
  trx: Kysely<Database>,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  await sql.raw(`savepoint ${name}`).execute(trx);
  try {
    const result = await work();
    await sql.raw(`release savepoint ${name}`).execute(trx);
    return result;
  } catch (error) {
    await sql.raw(`rollback to savepoint ${name}`).execute(trx);
    throw error;
  }
}
