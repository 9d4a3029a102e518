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

const postgres = (baseUrl: string): Backend => ({
  name: 'postgres',
  async open() {
    // A database per suite keeps suites in parallel workers apart.
    const name = `s_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = baseUrl.replace(/\/[^/]*$/, `/${name}`);
    const store = openStore(url, { poolSize: 4 });
    await migrateToLatest(store);
    return {
      store,
      url,
      async dispose() {
        await store.close();
        const drop = new pg.Client({ connectionString: baseUrl });
        await drop.connect();
        await drop.query(`drop database if exists ${name} with (force)`);
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
