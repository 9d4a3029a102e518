// SQLite snapshots: VACUUM INTO (one read transaction, so writers go on and no commit is half-copied) and
// the checks of a copy, both in a worker thread so a gateway's event loop never waits on them.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../errors/app-error.js';
import { APP_TABLES, EPHEMERAL_TABLES, SECRET_TABLES, type SnapshotFacts } from './snapshot-facts.js';

export interface SqliteInspection {
  facts: SnapshotFacts;
  /** PRAGMA integrity_check's verdict: 'ok', or the problems it found. */
  integrity: string;
}

// Plain JavaScript run by the worker (eval: true), so it loads the same way from src/ under tests and from
// dist/. VACUUM INTO is allowed on a read-only connection and reads one WAL snapshot: commits still in the
// -wal file are copied, writers are never blocked, and the backup never restarts under load as the
// page-copying backup API does when another connection writes.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const { task, source, dest, tables, ephemeral, secretTables } = workerData;
function inspect(db) {
  const present = new Set(db.prepare("select name from sqlite_master where type = 'table'").pluck().all());
  if (!present.has('kysely_migration')) throw new Error('not an MCP Gateway database (no kysely_migration table)');
  const rowCounts = {};
  for (const t of tables) if (present.has(t)) rowCounts[t] = db.prepare('select count(*) from "' + t + '"').pluck().get();
  const encryptedSecrets = {};
  for (const t of secretTables)
    encryptedSecrets[t] = present.has(t) ? db.prepare('select count(*) from "' + t + '" where auth_value is not null').pluck().get() : 0;
  const schemaVersion = db.prepare('select name from kysely_migration order by name desc limit 1').pluck().get() ?? '';
  const integrity = db.pragma('integrity_check').map((r) => r.integrity_check).join('; ');
  return { facts: { schemaVersion, rowCounts, encryptedSecrets }, integrity };
}
try {
  if (task === 'snapshot') {
    const src = new Database(source, { readonly: true, fileMustExist: true });
    src.pragma('busy_timeout = 10000');
    src.prepare('VACUUM INTO ?').run(dest);
    src.close();
    const copy = new Database(dest);
    for (const t of ephemeral) copy.prepare('delete from "' + t + '"').run();
    const result = inspect(copy);
    copy.close();
    parentPort.postMessage({ ok: true, result });
  } else {
    const db = new Database(source, { readonly: true, fileMustExist: true });
    const result = inspect(db);
    db.close();
    parentPort.postMessage({ ok: true, result });
  }
} catch (error) {
  parentPort.postMessage({ ok: false, message: String(error && error.message || error) });
}
`;

const BETTER_SQLITE3 = createRequire(import.meta.url).resolve('better-sqlite3');

type WorkerReply = { ok: true; result: SqliteInspection } | { ok: false; message: string };

function runWorker(task: 'snapshot' | 'inspect', source: string, dest?: string): Promise<SqliteInspection> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      task,
      source,
      dest,
      module: BETTER_SQLITE3,
      tables: APP_TABLES,
      ephemeral: [...EPHEMERAL_TABLES],
      secretTables: SECRET_TABLES,
    },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (reply: WorkerReply) => {
      void worker.terminate();
      if (reply.ok) resolve(reply.result);
      else
        reject(
          new AppError({
            code: 'Invalid',
            message: `SQLite ${task === 'snapshot' ? 'snapshot of' : 'check of'} ${source} failed: ${reply.message}`,
          }),
        );
    });
    worker.once('error', reject);
  });
}

/** Writes a consistent copy of the live database at `sourcePath` to `destPath` (which must not exist). */
export function snapshotSqlite(sourcePath: string, destPath: string): Promise<SqliteInspection> {
  return runWorker('snapshot', sourcePath, destPath);
}

/** Integrity check and facts of a database file, opened read-only. */
export function inspectSqlite(path: string): Promise<SqliteInspection> {
  return runWorker('inspect', path);
}
