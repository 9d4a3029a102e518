import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openAuth, openGatewayAuth } from '../../../../src/registry/common/upstream-auth.js';
import { readSnapshot } from '../../../../src/transfer/snapshot.js';
import { backends } from '../../../helpers/backends.js';
import { CONTEXTFORGE_SECRET, decodeAuth } from '../../../helpers/contextforge-crypto.js';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.js';

const FIXTURE = JSON.parse(
  readFileSync(new URL('../../../fixtures/contextforge/export.json', import.meta.url), 'utf8'),
) as { entities: Record<string, Array<Record<string, unknown>>> };
const fixture = () => structuredClone(FIXTURE) as Record<string, unknown> & typeof FIXTURE;
const body = (extra: Record<string, unknown> = {}) => ({
  import_data: fixture(),
  rekey_secret: CONTEXTFORGE_SECRET,
  ...extra,
});

for (const backend of backends()) {
  describe(`export/import routes (${backend.name})`, () => {
    let t: TestApp;
    const snapshot = async () => JSON.stringify(await readSnapshot(t.testStore.store.db));
    const clear = async () => {
      const db = t.testStore.store.db;
      for (const table of ['servers', 'tools', 'resources', 'prompts', 'gateways', 'roots'] as const)
        await db.deleteFrom(table).execute();
    };

    beforeAll(async () => {
      t = await buildTestApp(backend);
    });
    afterAll(async () => t.close());
    beforeEach(clear);

    it('the fixture was sealed the way ContextForge seals (checked by the independent helper)', () => {
      const tool = FIXTURE.entities.tools![0]!;
      expect(decodeAuth(CONTEXTFORGE_SECRET, tool.auth_value as string)).toEqual({
        Authorization: 'Bearer wx-token-123',
      });
    });

    it('imports a ContextForge export with its encrypted credentials, enabled state and links', async () => {
      const res = await t.call('POST', '/import', body());
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        status: 'completed',
        progress: { total: 7, created: 7, failed: 0 },
      });
      const db = t.testStore.store.db;
      const tools = await db.selectFrom('tools').selectAll().orderBy('name').execute();
      expect(tools.map((r) => [r.name, r.enabled])).toEqual([
        ['create_ticket', 0],
        ['get_weather', 1],
      ]);
      expect(openAuth(t.services.secrets, tools[0]!.auth_value)).toEqual({
        type: 'basic',
        username: 'svc',
        password: 'pa:ss',
      });
      expect(openAuth(t.services.secrets, tools[1]!.auth_value)).toEqual({
        type: 'bearer',
        token: 'wx-token-123',
      });
      expect(JSON.parse(tools[0]!.tags)).toEqual(['support']);
      const gateway = await db.selectFrom('gateways').selectAll().executeTakeFirstOrThrow();
      expect(openGatewayAuth(t.services.secrets, gateway.auth_value)).toEqual({
        type: 'authheaders',
        headers: { 'X-API-Key': 'k-1', 'X-Org': 'acme' },
      });
      expect(JSON.parse(gateway.passthrough_headers)).toEqual(['X-Tenant']);
      const servers = (await t.call('GET', '/servers')).json<Array<{ associatedTools: string[] }>>();
      expect(servers[0]!.associatedTools.sort()).toEqual(tools.map((r) => r.id).sort());
      const prompt = (await t.call('GET', '/prompts')).json()[0] as { arguments: unknown };
      expect(prompt.arguments).toEqual([
        { name: 'text', description: 'The text', required: true },
        { name: 'words', required: false },
      ]);
      expect((await t.call('GET', '/roots')).json()).toEqual([{ uri: 'file:///srv/data', name: 'data' }]);
    });

    it('refuses encrypted credentials without the source secret, or with a wrong one (422, nothing written)', async () => {
      const none = await t.call('POST', '/import', { import_data: fixture() });
      expect(none.statusCode).toBe(422);
      expect(none.json().detail).toMatch(/source-secret/);
      const wrong = await t.call('POST', '/import', body({ rekey_secret: 'not-the-secret' }));
      expect(wrong.statusCode).toBe(422);
      expect(wrong.json().detail).toMatch(/does not decrypt/);
      expect((await t.call('GET', '/tools?include_inactive=true')).json()).toEqual([]);
    });

    it('a dry run reports exactly what would change and writes nothing', async () => {
      const before = await snapshot();
      const res = await t.call('POST', '/import', body({ dry_run: true }));
      expect(res.statusCode).toBe(200);
      expect(res.json().dry_run).toBe(true);
      expect(res.json().changes).toContainEqual({ type: 'tools', name: 'get_weather', action: 'create' });
      expect(await snapshot()).toBe(before);
    });

    it('update twice changes nothing the second time; an edited field is put back and named', async () => {
      await t.call('POST', '/import', body());
      const first = await snapshot();
      const again = (await t.call('POST', '/import', body())).json();
      expect(again.progress).toMatchObject({ created: 0, updated: 0, skipped: 7 });
      expect(new Set(again.changes.map((c: { action: string }) => c.action))).toEqual(new Set(['unchanged']));
      expect(await snapshot()).toBe(first);
      const tool = (await t.call('GET', '/tools')).json()[0] as { id: string };
      await t.call('PUT', `/tools/${tool.id}`, { description: 'edited' });
      const third = (await t.call('POST', '/import', body())).json();
      expect(third.changes).toContainEqual({
        type: 'tools',
        name: 'get_weather',
        action: 'update',
        fields: ['description'],
      });
    });

    it('more tools than one write batch all arrive; a name given twice ends with the later entry', async () => {
      const tools = Array.from({ length: 1201 }, (_, i) => ({
        name: `tool-${i}`,
        url: `https://api.example.com/${i}`,
        integration_type: 'REST',
      }));
      tools.push({ name: 'tool-1200', url: 'https://api.example.com/again', integration_type: 'REST' });
      const importData = {
        version: '2025-03-26',
        exported_at: '2026-01-01T00:00:00Z',
        entities: {
          tools,
          servers: [{ name: 'last', associated_tools: tools.slice(1100).map((tool) => tool.name) }],
        },
      };
      const res = await t.call('POST', '/import', { import_data: importData });
      expect(res.json()).toMatchObject({ progress: { created: 1202, updated: 1, failed: 0 } });
      const listed = (await t.call('GET', '/tools?limit=0')).json<Array<{ name: string; url: string }>>();
      expect(listed).toHaveLength(1201);
      expect(listed.find((tool) => tool.name === 'tool-1200')?.url).toBe('https://api.example.com/again');
      const servers = (await t.call('GET', '/servers')).json<Array<{ associatedTools: string[] }>>();
      expect(servers[0]!.associatedTools).toHaveLength(101);
    });

    it('skip keeps, rename adds, fail refuses with 409 and writes nothing', async () => {
      await t.call('POST', '/import', body());
      const tool = (await t.call('GET', '/tools')).json()[0] as { id: string };
      await t.call('PUT', `/tools/${tool.id}`, { description: 'mine' });
      const skipped = (await t.call('POST', '/import', body({ conflict_strategy: 'skip' }))).json();
      expect(skipped.progress).toMatchObject({ skipped: 7, updated: 0 });
      expect((await t.call('GET', `/tools/${tool.id}`)).json().description).toBe('mine');

      const before = await snapshot();
      const failed = await t.call('POST', '/import', body({ conflict_strategy: 'fail' }));
      expect(failed.statusCode).toBe(409);
      expect(failed.json().detail).toMatch(/already exists/);
      expect(await snapshot()).toBe(before);

      const renamed = (await t.call('POST', '/import', body({ conflict_strategy: 'rename' }))).json();
      expect(renamed.changes).toContainEqual({
        type: 'tools',
        name: 'get_weather',
        action: 'rename',
        renamed_to: 'get_weather_imported',
      });
      const names = (await t.call('GET', '/tools?include_inactive=true'))
        .json<Array<{ name: string }>>()
        .map((x) => x.name);
      expect(names).toContain('get_weather_imported');
    });

    it('one bad entity fails the whole import, unless continue_on_error', async () => {
      const data = fixture();
      data.entities.tools![1]!.url = 'ftp://nope';
      const all = await t.call('POST', '/import', { import_data: data, rekey_secret: CONTEXTFORGE_SECRET });
      expect(all.statusCode).toBe(422);
      expect(all.json().detail).toMatch(/create_ticket/);
      expect((await t.call('GET', '/tools?include_inactive=true')).json()).toEqual([]);
      const partial = await t.call('POST', '/import', {
        import_data: data,
        rekey_secret: CONTEXTFORGE_SECRET,
        continue_on_error: true,
      });
      expect(partial.statusCode).toBe(200);
      expect(partial.json().progress).toMatchObject({ created: 6, failed: 1 });
      const status = await t.call('GET', `/import/status/${partial.json().import_id}`);
      expect(status.json().errors[0]).toMatch(/create_ticket/);
    });

    it('selected_entities imports only what it names', async () => {
      const res = await t.call(
        'POST',
        '/import',
        body({ selected_entities: { tools: ['get_weather'], roots: [] } }),
      );
      expect(res.json().progress.created).toBe(2);
      expect((await t.call('GET', '/tools')).json<unknown[]>().length).toBe(1);
    });

    it('bad input is a 400 or 422 with a detail', async () => {
      const malformed = await t.app.inject({
        method: 'POST',
        url: '/import',
        headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' },
        payload: '{"import_data": ',
      });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json().detail).toBeTypeOf('string');
      for (const bad of [
        {},
        { import_data: { version: '1', exported_at: 'x', entities: { widgets: [] } } },
        { import_data: { exported_at: 'x', entities: {} } },
        { ...body(), conflict_strategy: 'merge' },
      ]) {
        const res = await t.call('POST', '/import', bad);
        expect(res.statusCode).toBe(422);
        expect(res.json().detail).toBeTypeOf('string');
      }
      expect((await t.call('GET', '/export?types=widgets')).statusCode).toBe(422);
      expect((await t.call('GET', '/import/status/nope')).statusCode).toBe(404);
      expect((await t.call('GET', '/export', undefined, t.userToken)).statusCode).toBe(403);
      expect((await t.call('POST', '/import', body(), t.userToken)).statusCode).toBe(403);
    });

    it('exports ContextForge fields with filters; secrets under a passphrase open with their scheme', async () => {
      await t.call('POST', '/import', body());
      const all = (await t.call('GET', '/export?include_inactive=true')).json();
      expect(all).toMatchObject({
        encryption_method: 'AES-256-GCM',
        exported_by: 'admin@example.com',
        metadata: {
          entity_counts: { tools: 2, gateways: 1, servers: 1, prompts: 1, resources: 1, roots: 1 },
          dependencies: { servers_to_tools: { ops: ['create_ticket', 'get_weather'] } },
        },
        mcpgateway: { format: 1, secrets: 'key' },
      });
      const active = (await t.call('GET', '/export?types=tools')).json();
      expect(Object.keys(active.entities)).toEqual(['tools']);
      expect(active.entities.tools.map((x: { name: string }) => x.name)).toEqual(['get_weather']);
      const tagged = (await t.call('GET', '/export?tags=writing,remote')).json();
      expect(tagged.metadata.entity_counts).toMatchObject({ tools: 0, prompts: 1, gateways: 1 });
      const omitted = (await t.call('GET', '/export?secrets=omitted')).json();
      expect(omitted.entities.tools[0]).not.toHaveProperty('auth_value');
      const sealed = await t.app.inject({
        method: 'GET',
        url: '/export?secrets=passphrase&types=tools',
        headers: { authorization: `Bearer ${t.adminToken}`, 'x-export-passphrase': 'correct horse' },
      });
      expect(decodeAuth('correct horse', sealed.json().entities.tools[0].auth_value)).toEqual({
        Authorization: 'Bearer wx-token-123',
      });
      const selective = await t.call('POST', '/export/selective', { servers: ['ops'] });
      expect(selective.json().metadata.entity_counts).toMatchObject({ servers: 1, tools: 2 });
    });
  });
}
