import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../helpers/backends.js';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.js';

const restTool = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  url: 'https://api.example.com/items/{id}',
  request_type: 'GET',
  input_schema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
  ...extra,
});

for (const backend of backends()) {
  describe(`tools routes (${backend.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildTestApp(backend);
    });
    afterAll(async () => t.close());

    it('creates from the embedded and the flat form, reads camelCase, and lists', async () => {
      const embedded = await t.call('POST', '/tools', { tool: restTool('get_item'), team_id: null });
      expect(embedded.statusCode).toBe(201);
      expect(embedded.json()).toMatchObject({
        name: 'get_item',
        requestType: 'GET',
        integrationType: 'REST',
        enabled: true,
      });
      expect(embedded.json().inputSchema.required).toEqual(['id']);

      const flat = await t.call('POST', '/v1/tools', {
        ...restTool('list_items'),
        inputSchema: { type: 'object' },
        displayName: 'List',
      });
      expect(flat.statusCode).toBe(201);
      expect(flat.json()).toMatchObject({ name: 'list_items', displayName: 'List' });

      const list = await t.call('GET', '/tools');
      expect(list.json().map((x: { name: string }) => x.name)).toEqual(['get_item', 'list_items']);
    });

    it('answers 409 naming the field on a duplicate name and stores nothing', async () => {
      const dup = await t.call('POST', '/tools', restTool('get_item'));
      expect(dup.statusCode).toBe(409);
      expect(dup.json().detail).toContain('get_item');
      expect((await t.call('GET', '/tools')).json()).toHaveLength(2);
    });

    it('encrypts auth at rest and masks it in every response', async () => {
      const res = await t.call(
        'POST',
        '/tools',
        restTool('secured', { auth: { auth_type: 'basic', username: 'bob', password: 's3cret-pw' } }),
      );
      expect(res.statusCode).toBe(201);
      expect(res.json().auth).toEqual({ authType: 'basic', username: 'bob', password: '*****' });
      expect(res.body).not.toContain('s3cret-pw');
      const row = await t.testStore.store.db
        .selectFrom('tools')
        .selectAll()
        .where('name', '=', 'secured')
        .executeTakeFirstOrThrow();
      expect(row.auth_value).not.toContain('s3cret-pw');
      expect(row.auth_value).toMatch(/^v1:/);
      // Re-sending the mask keeps the stored secret.
      const id = res.json().id as string;
      await t.call('PUT', `/tools/${id}`, {
        auth: { auth_type: 'basic', username: 'bob', password: '*****' },
        description: 'x',
      });
      const tool = await t.registry.tools.callable('secured');
      expect(tool.kind === 'rest' && tool.spec.auth).toEqual({
        type: 'basic',
        username: 'bob',
        password: 's3cret-pw',
      });
    });

    it('updates, toggles with /state and /toggle, filters inactive, deletes', async () => {
      const id = (await t.call('POST', '/tools', restTool('toggled', { tags: ['Alpha', 'beta_1'] }))).json()
        .id as string;
      const updated = await t.call('PUT', `/tools/${id}`, { description: 'now described' });
      expect(updated.json()).toMatchObject({ description: 'now described', version: 2 });

      expect((await t.call('POST', `/tools/${id}/state?activate=false`)).json().enabled).toBe(false);
      const active = (await t.call('GET', '/tools')).json().map((x: { name: string }) => x.name);
      expect(active).not.toContain('toggled');
      const all = (await t.call('GET', '/tools?include_inactive=true'))
        .json()
        .map((x: { name: string }) => x.name);
      expect(all).toContain('toggled');
      expect((await t.call('POST', `/tools/${id}/toggle?activate=true`)).json().enabled).toBe(true);

      expect((await t.call('GET', '/tools?tags=alpha')).json().map((x: { name: string }) => x.name)).toEqual([
        'toggled',
      ]);
      expect((await t.call('GET', '/tools?tags=beta1')).json()).toEqual([]);

      expect((await t.call('DELETE', `/tools/${id}`)).statusCode).toBe(200);
      expect((await t.call('GET', `/tools/${id}`)).statusCode).toBe(404);
      expect((await t.call('DELETE', `/tools/${id}`)).statusCode).toBe(404);
    });

    it('pages with opaque cursors until every tool was seen once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/tools?include_pagination=true&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await t.call('GET', url)).json();
        seen.push(...page.tools.map((x: { name: string }) => x.name));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual([...seen].sort());
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe((await t.call('GET', '/tools')).json().length);
      expect((await t.call('GET', '/tools?cursor=garbage!')).statusCode).toBe(400);
    });

    it('rejects bad input with 422 and a detail naming the field', async () => {
      const cases: Array<[unknown, string]> = [
        [restTool('x'.repeat(129)), 'name'],
        [restTool('bad name!'), 'name'],
        [restTool('ok', { url: 'ftp://example.com/x' }), 'url'],
        [restTool('ok', { url: `https://example.com/${'a'.repeat(2048)}` }), 'url'],
        [restTool('ok', { description: 'd'.repeat(8193) }), 'description'],
        [restTool('ok', { request_type: 'TRACE' }), 'request_type'],
        [restTool('ok', { input_schema: { type: 'string' } }), 'input_schema'],
        [restTool('ok', { auth: { auth_type: 'bearer' } }), 'token'],
        [restTool('ok', { integration_type: 'MCP' }), 'gateways'],
        [{ url: 'https://example.com' }, 'name'],
      ];
      for (const [body, mention] of cases) {
        const res = await t.call('POST', '/tools', body);
        expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(422);
        expect(res.json().detail).toContain(mention);
      }
      expect(
        (await t.call('GET', '/tools?include_inactive=true'))
          .json()
          .some((x: { name: string }) => x.name === 'ok'),
      ).toBe(false);
    });

    it('needs an admin token to write, any valid token to read', async () => {
      expect((await t.call('GET', '/tools', undefined, t.userToken)).statusCode).toBe(200);
      const denied = await t.call('POST', '/tools', restTool('by_user'), t.userToken);
      expect(denied.statusCode).toBe(403);
      expect(denied.json().detail).toContain('admin');
    });
  });
}
