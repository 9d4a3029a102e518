// 0005: resource URIs unique per gateway; the SQLite table rebuild keeps every row and every row that points at one.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { openStore, type Store } from '../../../src/store/db.js';
import { migrateToLatest } from '../../../src/store/migrate.js';

const now = '2026-12-01T00:00:00.000Z';
const audit = { created_at: now, updated_at: now, created_by: null, modified_by: null, version: 1 };

async function seed(store: Store): Promise<void> {
  const db = store.db;
  for (const id of ['g1', 'g2'])
    await db
      .insertInto('gateways')
      .values({
        id,
        name: id,
        slug: id,
        url: `https://${id}.example.com/mcp`,
        description: null,
        transport: 'STREAMABLEHTTP',
        capabilities: '{}',
        server_info: '{}',
        auth_type: null,
        auth_value: null,
        passthrough_auth: 0,
        passthrough_headers: '[]',
        prefix_mode: 'always',
        timeout_ms: null,
        command: null,
        enabled: 1,
        reachable: 1,
        last_seen: null,
        tags: '[]',
        ...audit,
      })
      .execute();
  const resource = (id: string, gateway: string | null) => ({
    id,
    uri: 'file:///shared.txt',
    name: id,
    description: null,
    mime_type: 'text/plain',
    uri_template: null,
    text_content: gateway === null ? 'local' : null,
    binary_content: null,
    size: null,
    gateway_id: gateway,
    enabled: 1,
    tags: '[]',
    ...audit,
  });
  await db.insertInto('resources').values(resource('r-local', null)).execute();
  await db
    .insertInto('servers')
    .values({ id: 's1', name: 's1', description: null, icon: null, enabled: 1, tags: '[]', ...audit })
    .execute();
  await db
    .insertInto('server_resource_association')
    .values({ server_id: 's1', resource_id: 'r-local' })
    .execute();
  await db
    .insertInto('resource_metrics')
    .values({
      resource_id: 'r-local',
      timestamp: now,
      response_time: 0.01,
      is_success: 1,
      error_message: null,
    })
    .execute();
}

async function check(store: Store): Promise<void> {
  const db = store.db;
  const federated = (id: string, gateway: string) =>
    db
      .insertInto('resources')
      .values({
        id,
        uri: 'file:///shared.txt',
        name: id,
        description: null,
        mime_type: null,
        uri_template: null,
        text_content: null,
        binary_content: null,
        size: null,
        gateway_id: gateway,
        enabled: 1,
        tags: '[]',
        ...audit,
      })
      .execute();
  // Rows and what points at them survived the change.
  expect(
    await db.selectFrom('resources').select('text_content').where('id', '=', 'r-local').execute(),
  ).toEqual([{ text_content: 'local' }]);
  expect(await db.selectFrom('server_resource_association').selectAll().execute()).toHaveLength(1);
  expect(await db.selectFrom('resource_metrics').selectAll().execute()).toHaveLength(1);
  // The same URI from two gateways (and beside a local resource) is fine; twice in one gateway is not.
  await federated('r-g1', 'g1');
  await federated('r-g2', 'g2');
  await expect(federated('r-g1-again', 'g1')).rejects.toThrow();
  // A cascade still works through the rebuilt table.
  await db.deleteFrom('resources').where('id', '=', 'r-local').execute();
  expect(await db.selectFrom('server_resource_association').selectAll().execute()).toHaveLength(0);
}

async function migrateAcross(url: string): Promise<void> {
  const store = openStore(url);
  try {
    await migrateToLatest(store, '0004-mcp-session-subject');
    await seed(store);
    expect((await migrateToLatest(store)).applied).toContain('0005-resource-uri-per-gateway');
    await check(store);
  } finally {
    await store.close();
  }
}

describe('migration 0005: resource URIs unique per gateway', () => {
  it('SQLite: rebuilds the table keeping rows, associations and metrics', async () => {
    await migrateAcross(`sqlite:///${join(mkdtempSync(join(tmpdir(), 'mcpgw-0005-')), 'm.db')}`);
  });

  it.runIf(inject('pgUrl') !== '')('PostgreSQL: swaps the constraint for per-gateway indexes', async () => {
    const base = inject('pgUrl');
    const name = `m0005_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${name}`);
    try {
      await migrateAcross(base.replace(/\/[^/]*$/, `/${name}`));
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
