// SQLite restore: the copy is prepared beside the target (checked, migrated, decrypted) and only then renamed
// over it, so a restore that stops anywhere before the rename leaves the old database untouched.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { AppError } from '../../errors/app-error.js';
import { openStore } from '../db.js';
import { migrateToLatest } from '../migrate.js';
import type { Database } from '../schema.js';
import { inspectSqlite } from './sqlite-snapshot.js';
import { countDifferences, EPHEMERAL_TABLES, type SnapshotFacts } from './snapshot-facts.js';

export type StagedCheck = (db: Kysely<Database>) => Promise<void>;

/** A fresh name beside the target: same directory, so the final rename is atomic. */
export function stagingPathFor(target: string): string {
  return `${target}.restore-${randomBytes(4).toString('hex')}`;
}

/** Integrity, row counts against the manifest, migrations forward, then `check` (decryption) on the staged copy. */
export async function prepareStagedSqlite(
  staged: string,
  expected: SnapshotFacts,
  check: StagedCheck,
): Promise<void> {
  const { facts, integrity } = await inspectSqlite(staged);
  if (integrity !== 'ok')
    throw new AppError({
      code: 'Invalid',
      message: `The backup's database fails its integrity check: ${integrity}`,
    });
  const differences = countDifferences(expected.rowCounts, facts.rowCounts);
  if (differences.length > 0)
    throw new AppError({
      code: 'Invalid',
      message: `The backup's rows differ from its manifest: ${differences.join('; ')}`,
    });
  const store = openStore(`sqlite:///${staged}`);
  try {
    await migrateToLatest(store);
    for (const table of EPHEMERAL_TABLES) await store.db.deleteFrom(table as 'leases').execute();
    await check(store.db);
  } finally {
    // Closing the last connection checkpoints the WAL into the file and removes -wal/-shm.
    await store.close();
  }
}

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(dirname(path), 'r');
  await handle.sync().catch(() => undefined);
  await handle.close();
}

/**
 * Folds the old database's WAL into it, removes stale -wal/-shm (they must never be paired with the new file),
 * renames the staged copy over the target and sets WAL on it again.
 */
export async function swapIntoPlace(staged: string, target: string): Promise<void> {
  if (existsSync(target)) {
    const old = new SqliteDatabase(target);
    old.pragma('wal_checkpoint(TRUNCATE)');
    old.close();
  }
  await rm(`${target}-wal`, { force: true });
  await rm(`${target}-shm`, { force: true });
  await rename(staged, target);
  await syncDirectory(target);
  const db = new SqliteDatabase(target);
  db.pragma('journal_mode = WAL');
  db.close();
}
