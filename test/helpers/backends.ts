// Loops a suite over every SQL backend: SQLite always, PostgreSQL when the run has one (a fresh schema per suite).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openStore, type Store } from '../../src/store/db.js';
import { migrateToLatest } from '../../src/store/migrate.js';

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** Opens a fresh, migrated, empty database for one suite; dispose() removes it. */
  open(): Promise<TestStore>;
}

export interface TestStore {
  store: Store;
  url: string;
  dispose(): Promise<void>;
}

const sqlite: Backend = {
  name: 'sqlite',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'mcpgw-test-'));
    const url = `sqlite:///${join(dir, 'test.db')}`;
    const store = openStore(url);
    await migrateToLatest(store);
    return {
      store,
      url,
      async dispose() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

const postgres = (runUrl: string): Backend => ({
  name: 'postgres',
  async open() {
    // A schema per suite (in the run's fresh database) keeps suites in parallel workers apart; creating a
    // schema is instant where creating a database costs seconds.
    const schema = `s_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: runUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const separator = runUrl.includes('?') ? '&' : '?';
    const url = `${runUrl}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const store = openStore(url, { poolSize: 4 });
    await migrateToLatest(store);
    return {
      store,
      url,
      async dispose() {
        await store.close();
        const drop = new pg.Client({ connectionString: runUrl });
        await drop.connect();
        await drop.query(`drop schema if exists ${schema} cascade`);
        await drop.end();
      },
    };
  },
});

/** Every backend this run can reach; PostgreSQL is absent only when the global setup found none (and did not require it). */
export function backends(): Backend[] {
  const pgUrl = inject('pgUrl');
  return pgUrl ? [sqlite, postgres(pgUrl)] : [sqlite];
}
