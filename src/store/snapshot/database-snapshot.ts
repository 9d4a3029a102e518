// The dialect-specific halves of backup and restore behind three calls: take a snapshot, check a payload,
// load a payload. src/backup/ owns the artifact, the manifest and the policy; the SQL stays here.
import { createReadStream, existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { AppError } from '../../errors/app-error.js';
import { openStore, parseDatabaseUrl, type SqlDialectName } from '../db.js';
import { liveInstances } from '../instances.js';
import { migrateToLatest } from '../migrate.js';
import type { Database } from '../schema.js';
import { currentSchema, readPgFacts } from './pg-facts.js';
import { checkPgDump, dumpWithPgDump, restoreWithPgRestore, withPgClient } from './pg-dump.js';
import { countLogicalRows, dumpLogical, loadLogical } from './pg-logical.js';
import { pgToolsOnPath } from './run-tool.js';
import { inspectSqlite, snapshotSqlite } from './sqlite-snapshot.js';
import { prepareStagedSqlite, stagingPathFor, swapIntoPlace } from './sqlite-restore.js';
import {
  countDifferences,
  EPHEMERAL_TABLES,
  type PayloadKind,
  type SnapshotFacts,
} from './snapshot-facts.js';

export interface TakenSnapshot {
  kind: SqlDialectName;
  payload: PayloadKind;
  facts: SnapshotFacts;
  schema?: string;
}

/** A consistent copy of DATABASE_URL written to `dest`, checked (integrity / archive listing / row counts). */
export async function takeSnapshot(opts: {
  url: string;
  cwd: string;
  dest: string;
  /** PostgreSQL: pg_dump or the built-in dump; default: pg_dump when it is on the PATH. */
  usePgDump?: boolean;
}): Promise<TakenSnapshot> {
  const target = parseDatabaseUrl(opts.url, opts.cwd);
  if (target.dialect === 'sqlite') {
    if (target.target === ':memory:')
      throw new AppError({ code: 'Invalid', message: 'An in-memory SQLite database cannot be backed up' });
    const { facts, integrity } = await snapshotSqlite(target.target, opts.dest);
    if (integrity !== 'ok')
      throw new AppError({
        code: 'Internal',
        message: `The snapshot fails PRAGMA integrity_check: ${integrity}`,
      });
    return { kind: 'sqlite', payload: 'sqlite', facts };
  }
  if (opts.usePgDump ?? pgToolsOnPath()) {
    const { facts, schema } = await dumpWithPgDump(opts.url, opts.dest);
    await checkPgDump(opts.dest, facts);
    return { kind: 'postgres', payload: 'pg_dump', facts, schema };
  }
  const { facts, schema } = await dumpLogical(opts.url, opts.dest);
  assertCounts(facts.rowCounts, await countLogicalRows(createReadStream(opts.dest)), 'The dump');
  return { kind: 'postgres', payload: 'logical', facts, schema };
}

function assertCounts(expected: Record<string, number>, actual: Record<string, number>, what: string): void {
  const relevant = Object.fromEntries(Object.entries(expected).filter(([t]) => !EPHEMERAL_TABLES.has(t)));
  const differences = countDifferences(relevant, actual);
  if (differences.length > 0)
    throw new AppError({
      code: 'Invalid',
      message: `${what} differs from its manifest: ${differences.join('; ')}`,
    });
}

/**
 * Reads a payload through without touching any database: a SQLite file is checked where it was extracted
 * (`extracted`), a pg_dump archive is listed, a logical dump is counted.
 */
export async function checkPayload(
  payload: PayloadKind,
  facts: SnapshotFacts,
  source: { extracted?: string; stream: () => Readable },
): Promise<void> {
  if (payload === 'sqlite') {
    if (source.extracted === undefined)
      throw new Error('checkPayload: a SQLite payload is checked as a file');
    const inspected = await inspectSqlite(source.extracted);
    if (inspected.integrity !== 'ok')
      throw new AppError({
        code: 'Invalid',
        message: `The backup's database fails its integrity check: ${inspected.integrity}`,
      });
    assertCounts(facts.rowCounts, inspected.facts.rowCounts, "The backup's database");
    return;
  }
  if (payload === 'pg_dump') {
    await checkPgDump(source.stream(), facts);
    return;
  }
  assertCounts(facts.rowCounts, await countLogicalRows(source.stream()), 'The dump');
}

/** Refuses while a gateway renews its running-instance marker on the database. */
export async function assertNoGatewayRunning(url: string, cwd: string): Promise<void> {
  const target = parseDatabaseUrl(url, cwd);
  if (target.dialect === 'sqlite' && !existsSync(target.target)) return;
  const store = openStore(url, { cwd, poolSize: 1 });
  try {
    const live = await liveInstances(store.db);
    if (live.length > 0)
      throw new AppError({
        code: 'Conflict',
        message:
          `A gateway is running on ${store.describe} (instance ${live.map((i) => i.id).join(', ')}): stop every ` +
          `gateway using this database, then restore (a crashed gateway stops counting after 30 s)`,
      });
  } finally {
    await store.close();
  }
}

export interface LoadOptions {
  url: string;
  cwd: string;
  payload: PayloadKind;
  facts: SnapshotFacts;
  /** PostgreSQL: the schema the backup holds. */
  schema?: string;
  /** Writes the payload to a file (SQLite: the staged copy). */
  extractTo: (dest: string) => Promise<void>;
  stream: () => Readable;
  /** Runs against the loaded copy before it replaces anything where the dialect allows (decryption sample). */
  check: (db: Kysely<Database>) => Promise<void>;
  /** Called as each step starts, so the CLI can report progress (and tests can stop a restore half-way). */
  onStep?: (step: 'loading' | 'checking' | 'replacing' | 'migrating') => void | Promise<void>;
}

/** Loads a payload into DATABASE_URL, replacing what is there; see each dialect's file for what is atomic. */
export async function loadSnapshot(opts: LoadOptions): Promise<void> {
  const target = parseDatabaseUrl(opts.url, opts.cwd);
  const step = async (s: Parameters<NonNullable<LoadOptions['onStep']>>[0]) => opts.onStep?.(s);
  if (target.dialect === 'sqlite') {
    if (target.target === ':memory:')
      throw new AppError({ code: 'Invalid', message: 'Cannot restore into an in-memory SQLite database' });
    const staged = stagingPathFor(target.target);
    try {
      await step('loading');
      await opts.extractTo(staged);
      await step('checking');
      await prepareStagedSqlite(staged, opts.facts, opts.check);
      await step('replacing');
      await swapIntoPlace(staged, target.target);
    } finally {
      await rm(staged, { force: true });
    }
    return;
  }
  await withPgClient(opts.url, async (client) => {
    const schema = await currentSchema(client);
    if (schema !== null && opts.schema !== undefined && schema !== opts.schema)
      throw new AppError({
        code: 'Invalid',
        message: `The backup holds schema "${opts.schema}" but DATABASE_URL's search_path resolves to "${schema}": point it at "${opts.schema}" (e.g. ?options=-c%20search_path%3D${opts.schema})`,
      });
  });
  await step('loading');
  if (opts.payload === 'logical') {
    await loadLogical(opts.url, opts.stream(), async (db, facts) => {
      await step('checking');
      assertCounts(opts.facts.rowCounts, facts.rowCounts, 'The restored database');
      await opts.check(db);
    });
  } else {
    await restoreWithPgRestore(opts.url, opts.stream());
    await step('checking');
    const store = openStore(opts.url, { cwd: opts.cwd, poolSize: 1 });
    try {
      const facts = await withPgClient(opts.url, async (c) =>
        readPgFacts(c, opts.schema ?? (await currentSchema(c)) ?? 'public'),
      );
      assertCounts(opts.facts.rowCounts, facts.rowCounts, 'The restored database');
      await opts.check(store.db);
    } catch (error) {
      // pg_restore has committed by now: say so rather than imply the old data is still there.
      throw new AppError({
        code: 'Internal',
        message: `pg_restore completed, but the restored database fails verification (restore again from another backup): ${(error as Error).message}`,
        cause: error,
      });
    } finally {
      await store.close();
    }
  }
  await step('migrating');
  const store = openStore(opts.url, { cwd: opts.cwd, poolSize: 1 });
  try {
    await migrateToLatest(store);
  } finally {
    await store.close();
  }
}
