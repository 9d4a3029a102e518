import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS_ADMIN } from '../../../src/auth/principal.js';
import { openGatewayAuth, sealAuth } from '../../../src/registry/common/upstream-auth.js';
import { DiscoveredRepo } from '../../../src/store/repos/discovered.js';
import { GatewaysRepo } from '../../../src/store/repos/gateways.js';
import type { ExportDocument } from '../../../src/transfer/export-format.js';
import { readSnapshot, type Snapshot } from '../../../src/transfer/snapshot.js';
import { backends } from '../../helpers/backends.js';
import { buildTestApp, type TestApp } from '../../helpers/test-app.js';

const [sqlite] = backends();

/** Every row of every registry table, credentials opened (sealed values differ each time), bytes as base64. */
function comparable(snap: Snapshot, t: TestApp): unknown {
  const open = (row: { auth_value?: string | null }) => ({
    ...row,
    auth_value: openGatewayAuth(t.services.secrets, row.auth_value ?? null),
  });
  return {
    ...snap,
    tools: snap.tools.map(open),
    gateways: snap.gateways.map(open),
    resources: snap.resources.map((r) => ({
      ...r,
      binary_content: r.binary_content === null ? null : Buffer.from(r.binary_content).toString('base64'),
    })),
    links: [...snap.links.entries()],
  };
}

async function populate(t: TestApp): Promise<void> {
  const db = t.testStore.store.db;
  const now = '2026-01-02T03:04:05.000Z';
  const gatewayId = 'gw0000000000000000000000000000aa';
  await new GatewaysRepo(db).insert({
    id: gatewayId,
    name: 'Everything',
    slug: 'everything',
    url: 'http://127.0.0.1:9/mcp',
    description: 'peer',
    transport: 'STREAMABLEHTTP',
    capabilities: '{"tools":{}}',
    server_info: '{"name":"everything"}',
    ...sealAuth(t.services.secrets, {
      type: 'oauth',
      tokenUrl: 'https://auth.example.com/token',
      clientId: 'c1',
      clientSecret: 's3cret',
      scope: 'mcp',
    }),
    passthrough_auth: 1,
    passthrough_headers: '["X-Tenant"]',
    prefix_mode: 'always',
    timeout_ms: 5000,
    command: null,
    enabled: 1,
    reachable: 1,
    last_seen: now,
    tags: '["peer"]',
    created_at: now,
    updated_at: now,
    created_by: 'a',
    modified_by: 'a',
    version: 1,
  });
  const repo = new DiscoveredRepo(db);
  const stamp = { gatewayId, now, actor: 'a', enabled: 1 as const };
  await repo.mirrorTools(stamp, [
    {
      upstreamName: 'echo',
      name: 'everything-echo',
      display_name: null,
      description: 'Echo',
      request_type: 'STREAMABLEHTTP',
      url: 'http://127.0.0.1:9/mcp',
      input_schema: '{"type":"object"}',
      output_schema: null,
      annotations: '{}',
    },
    {
      upstreamName: 'add',
      name: 'everything-add',
      display_name: 'Add',
      description: 'Add',
      request_type: 'STREAMABLEHTTP',
      url: 'http://127.0.0.1:9/mcp',
      input_schema: '{"type":"object"}',
      output_schema: null,
      annotations: '{}',
    },
  ]);
  await repo.mirrorResources(stamp, [
    {
      uri: 'test://static/1',
      name: 'one',
      description: null,
      mime_type: 'text/plain',
      uri_template: null,
      size: 3,
    },
  ]);
  await repo.mirrorPrompts(stamp, [
    {
      upstreamName: 'greet',
      name: 'everything-greet',
      description: null,
      argument_schema: '[{"name":"who","required":true}]',
    },
  ]);
  const echo = await db
    .selectFrom('tools')
    .select('id')
    .where('original_name', '=', 'echo')
    .executeTakeFirstOrThrow();
  // The admin's changes to a federated tool: a custom name, tags, disabled.
  expect((await t.call('PUT', `/tools/${echo.id}`, { name: 'shout', tags: ['loud'] })).statusCode).toBe(200);
  await t.call('POST', `/tools/${echo.id}/state?activate=false`);

  const tool = (
    await t.call('POST', '/tools', {
      name: 'weather',
      url: 'https://api.example.com/w',
      auth: { auth_type: 'basic', username: 'u', password: 'p:w' },
      tags: ['prod'],
    })
  ).json<{ id: string }>();
  await t.call('POST', '/tools', {
    name: 'off',
    url: 'https://api.example.com/off',
    auth: { auth_type: 'authheaders', auth_headers: [{ key: 'X-Key', value: 'k' }] },
  });
  const off = (await t.call('GET', '/tools'))
    .json<Array<{ id: string; name: string }>>()
    .find((x) => x.name === 'off')!;
  await t.call('POST', `/tools/${off.id}/state?activate=false`);
  const text = (await t.call('POST', '/resources', { uri: 'docs://a.md', name: 'a', content: '# A' })).json<{
    id: string;
  }>();
  const bin = (
    await t.call('POST', '/resources', {
      uri: 'files://logo.png',
      name: 'logo',
      content: Buffer.from([0, 1, 2, 255]).toString('base64'),
      content_encoding: 'base64',
    })
  ).json<{ id: string }>();
  await t.call('POST', '/resources', {
    uri: 'docs://{page}',
    name: 'pages',
    uri_template: 'docs://{page}',
    content: 'page',
  });
  const prompt = (
    await t.call('POST', '/prompts', {
      name: 'hello',
      template: 'Hi {{ who }} {{ x }}',
      arguments: [{ name: 'who', description: 'whom', required: true }, { name: 'x' }],
    })
  ).json<{ id: string }>();
  const res = await t.call('POST', '/servers', {
    id: 'srv-stable-id',
    name: 'bundle',
    icon: 'https://example.com/i.png',
    tags: ['b'],
    associated_tools: [tool.id, echo.id],
    associated_resources: [text.id, bin.id],
    associated_prompts: [prompt.id],
  });
  expect(res.statusCode).toBe(201);
  await t.call('POST', '/roots', { uri: 'file:///srv', name: 'srv' });
}

describe('export → import round trip', () => {
  let source: TestApp;
  let doc: ExportDocument;

  beforeAll(async () => {
    source = await buildTestApp(sqlite!);
    await populate(source);
    doc = await source.services.transfer.exportAll(
      {
        types: [],
        excludeTypes: [],
        tags: [],
        includeInactive: true,
        includeDependencies: true,
        secrets: 'key',
      },
      ANONYMOUS_ADMIN,
    );
  });
  afterAll(async () => source.close());

  for (const backend of backends()) {
    it(`SQLite → ${backend.name}: every row of every entity arrives unchanged, and a second import changes nothing`, async () => {
      const target = await buildTestApp(backend);
      try {
        const res = await target.call('POST', '/import', { import_data: JSON.parse(JSON.stringify(doc)) });
        expect(res.statusCode).toBe(200);
        expect(res.json().progress.failed).toBe(0);
        const want = comparable(await readSnapshot(source.testStore.store.db), source);
        expect(comparable(await readSnapshot(target.testStore.store.db), target)).toEqual(want);
        const again = await target.call('POST', '/import', { import_data: JSON.parse(JSON.stringify(doc)) });
        expect(again.json().progress).toMatchObject({ created: 0, updated: 0, failed: 0 });
        expect(comparable(await readSnapshot(target.testStore.store.db), target)).toEqual(want);
      } finally {
        await target.close();
      }
    });
  }

  it('under a passphrase, a gateway with another AUTH_ENCRYPTION_SECRET gets the same credentials', async () => {
    const sealed = await source.services.transfer.exportAll(
      {
        types: [],
        excludeTypes: [],
        tags: [],
        includeInactive: true,
        includeDependencies: false,
        secrets: 'passphrase',
        passphrase: 'move-me-please',
      },
      ANONYMOUS_ADMIN,
    );
    const target = await buildTestApp(sqlite!, { AUTH_ENCRYPTION_SECRET: 'another-secret-entirely' });
    try {
      const refused = await target.call('POST', '/import', { import_data: doc });
      expect(refused.statusCode).toBe(422);
      expect(refused.json().detail).toMatch(/another AUTH_ENCRYPTION_SECRET/);
      const res = await target.call('POST', '/import', {
        import_data: sealed,
        rekey_secret: 'move-me-please',
      });
      expect(res.statusCode).toBe(200);
      const want = comparable(await readSnapshot(source.testStore.store.db), source) as {
        tools: unknown;
        gateways: unknown;
      };
      const got = comparable(await readSnapshot(target.testStore.store.db), target) as {
        tools: unknown;
        gateways: unknown;
      };
      expect(got.tools).toEqual(want.tools);
      expect(got.gateways).toEqual(want.gateways);
    } finally {
      await target.close();
    }
  });
});
