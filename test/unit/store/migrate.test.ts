// Migrations: every table exists on both dialects, re-running is a no-op, and two processes starting together migrate once.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { backends } from '../../helpers/backends.js';
import { migrateToLatest } from '../../../src/store/migrate.js';

const run = promisify(execFile);
const TABLES = [
  'tools',
  'tool_metrics',
  'resources',
  'resource_metrics',
  'resource_subscriptions',
  'prompts',
  'prompt_metrics',
  'servers',
  'server_metrics',
  'gateways',
  'server_tool_association',
  'server_resource_association',
  'server_prompt_association',
  'mcp_sessions',
  'mcp_messages',
  'event_bus_payloads',
  'roots',
];

async function migrateInChild(url: string): Promise<string[]> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/fixtures/migrate-once.ts', url], {
    timeout: 60_000,
  });
  return JSON.parse(stdout) as string[];
}

for (const backend of backends()) {
  describe(`migrations (${backend.name})`, () => {
    it('creates every table of the data model and is idempotent', async () => {
      const t = await backend.open();
      try {
        const tables = await t.store.db.introspection.getTables();
        const names = new Set(tables.map((x) => x.name));
        for (const table of TABLES) expect(names.has(table), table).toBe(true);
        expect((await migrateToLatest(t.store)).applied).toEqual([]);
        await sql`select count(*) from tools`.execute(t.store.db);
      } finally {
        await t.dispose();
      }
    });
  });
}

describe('concurrent start-up', () => {
  it('two processes migrating one fresh SQLite file apply each migration once', async () => {
    const url = `sqlite:///${join(mkdtempSync(join(tmpdir(), 'mcpgw-mig-')), 'race.db')}`;
    const [a, b] = await Promise.all([migrateInChild(url), migrateInChild(url)]);
    expect([...a, ...b].filter((m) => m === '0001-init')).toHaveLength(1);
  });

  it.runIf(inject('pgUrl') !== '')(
    'two processes migrating one fresh PostgreSQL database apply each migration once',
    async () => {
      const base = inject('pgUrl');
      const name = `race_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`create database ${name}`);
      try {
        const url = base.replace(/\/[^/]*$/, `/${name}`);
        const [a, b] = await Promise.all([migrateInChild(url), migrateInChild(url)]);
        expect([...a, ...b].filter((m) => m === '0001-init')).toHaveLength(1);
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    },
  );
});
