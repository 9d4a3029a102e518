import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../helpers/backends.js';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.js';
import { startEverything, type Everything } from '../../../fixtures/federation/everything.js';
import {
  startMutableUpstream,
  tool,
  type MutableUpstream,
} from '../../../fixtures/federation/mutable-upstream.js';

const names = (items: Array<{ name: string }>) => items.map((x) => x.name);

for (const backend of backends()) {
  describe(`gateways routes (${backend.name})`, () => {
    let t: TestApp;
    // Registration discovers the upstream, so every gateway here points at a real local MCP server.
    let upstream: MutableUpstream;
    let sse: Everything;
    beforeAll(async () => {
      upstream = await startMutableUpstream({ state: { tools: [tool('echo'), tool('add')] } });
      sse = await startEverything('sse');
      t = await buildTestApp(backend, { SSRF_ALLOW_LOCALHOST: 'true' });
    });
    afterAll(async () => {
      await t.close();
      await Promise.all([upstream.close(), sse.stop()]);
    });

    it('records a gateway with defaults, a derived slug and camelCase fields', async () => {
      const res = await t.call('POST', '/gateways', {
        name: 'Everything Server',
        url: upstream.url,
        description: 'the reference server',
        tags: ['Upstream'],
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        name: 'Everything Server',
        slug: 'everything-server',
        url: upstream.url,
        transport: 'STREAMABLEHTTP',
        prefixMode: 'always',
        passthroughAuth: false,
        passthroughHeaders: [],
        capabilities: { tools: { listChanged: true } },
        serverInfo: { name: 'mutable-upstream', version: '1.2.3' },
        command: null,
        enabled: true,
        reachable: true,
        auth: null,
        tags: ['upstream'],
        version: 1,
      });
      expect(res.json().lastSeen).toEqual(expect.any(String));
    });

    it('accepts transports case-insensitively, prefix modes, passthrough settings and timeouts', async () => {
      const res = await t.call('POST', '/v1/gateways', {
        name: 'legacy_sse',
        url: sse.url,
        transport: 'sse',
        prefixMode: 'Conflict',
        passthrough_headers: 'X-Tenant-Id, x-tenant-id, X-Trace',
        passthrough_auth: true,
        timeout_ms: 5000,
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        slug: 'legacy-sse',
        transport: 'SSE',
        prefixMode: 'conflict',
        passthroughHeaders: ['X-Tenant-Id', 'X-Trace'],
        passthroughAuth: true,
        timeoutMs: 5000,
      });
      const streamable = await t.call('POST', '/gateways', {
        name: 'dashed',
        url: upstream.url,
        transport: 'streamable-http',
      });
      expect(streamable.json().transport).toBe('STREAMABLEHTTP');
      expect(names((await t.call('GET', '/gateways')).json()).sort()).toEqual(
        ['Everything Server', 'dashed', 'legacy_sse'].sort(),
      );
    });

    it('encrypts auth at rest and masks it in every response', async () => {
      const res = await t.call('POST', '/gateways', {
        name: 'secured',
        url: upstream.url,
        auth_type: 'bearer',
        auth_token: 'tok-very-secret',
      });
      expect(res.statusCode).toBe(201);
      expect(res.json().auth).toEqual({ authType: 'bearer', token: '*****' });
      expect(res.body).not.toContain('tok-very-secret');
      const row = await t.testStore.store.db
        .selectFrom('gateways')
        .selectAll()
        .where('name', '=', 'secured')
        .executeTakeFirstOrThrow();
      expect(row.auth_type).toBe('bearer');
      expect(row.auth_value).toMatch(/^v1:/);
      expect(row.auth_value).not.toContain('tok-very-secret');
      const id = res.json().id as string;
      expect((await t.call('GET', '/gateways')).body).not.toContain('tok-very-secret');

      // Re-sending the mask keeps the secret; the federation layer reads it in clear.
      await t.call('PUT', `/gateways/${id}`, {
        auth: { auth_type: 'bearer', token: '*****' },
        description: 'd',
      });
      expect((await t.registry.gateways.forwardTarget(id))?.spec.auth).toEqual({
        type: 'bearer',
        token: 'tok-very-secret',
      });
      const headers = await t.call('PUT', `/gateways/${id}`, {
        auth: { authType: 'authheaders', authHeaders: [{ key: 'X-Api-Key', value: 'k-123456' }] },
      });
      expect(headers.json().auth).toEqual({ authType: 'authheaders', headers: { 'X-Api-Key': '*****' } });
      const cleared = await t.call('PUT', `/gateways/${id}`, { auth: null });
      expect(cleared.json().auth).toBeNull();
    });

    it('answers 409 naming the slug or the name, and stores nothing', async () => {
      const slug = await t.call('POST', '/gateways', {
        name: 'Everything-Server!',
        url: 'https://x.example.com',
      });
      expect(slug.statusCode).toBe(409);
      expect(slug.json().detail).toContain('slug "everything-server"');
      const name = await t.call('POST', '/gateways', { name: 'secured', url: 'https://x.example.com' });
      expect(name.statusCode).toBe(409);
      expect(name.json().detail).toContain('name "secured"');
      expect((await t.call('GET', '/gateways?include_inactive=true')).json()).toHaveLength(4);

      const dashed = (await t.call('GET', '/gateways'))
        .json()
        .find((g: { name: string }) => g.name === 'dashed');
      const rename = await t.call('PUT', `/gateways/${dashed.id}`, { name: 'LEGACY SSE' });
      expect(rename.statusCode).toBe(409);
      expect(rename.json().detail).toContain('slug "legacy-sse"');
      const ok = await t.call('PUT', `/gateways/${dashed.id}`, { name: 'Dashed Two' });
      expect(ok.json()).toMatchObject({ name: 'Dashed Two', slug: 'dashed-two', version: 2 });
    });

    it('rejects bad input with 422 naming the field', async () => {
      const cases: Array<[unknown, string]> = [
        [{ name: 'bad-url', url: 'ftp://example.com/x' }, 'url'],
        [{ name: 'bad-url', url: 'not a url' }, 'url'],
        [{ name: 'long-url', url: `https://example.com/${'a'.repeat(2048)}` }, 'url'],
        [{ url: 'https://example.com' }, 'name'],
        [{ name: '!!!', url: 'https://example.com' }, 'slug'],
        [{ name: 'tr', url: 'https://example.com', transport: 'websocket' }, 'transport'],
        [{ name: 'st', transport: 'STDIO' }, 'command'],
        [{ name: 'st', transport: 'STDIO', command: ['npx', 'server'] }, 'STDIO_ALLOWED_COMMANDS'],
        [{ name: 'nu' }, 'url'],
        [{ name: 'pm', url: 'https://example.com', prefix_mode: 'sometimes' }, 'prefix_mode'],
        [
          { name: 'ph', url: 'https://example.com', passthrough_headers: ['bad header'] },
          'passthrough_headers',
        ],
        [{ name: 'au', url: 'https://example.com', auth_type: 'basic', auth_username: 'u' }, 'password'],
      ];
      for (const [body, mention] of cases) {
        const res = await t.call('POST', '/gateways', body);
        expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(422);
        expect(res.json().detail).toContain(mention);
      }
    });

    it('disables and re-enables its tools with the gateway, in /state and /toggle', async () => {
      const gw = (await t.call('POST', '/gateways', { name: 'owner', url: upstream.url })).json();
      const discovered = (await t.call('GET', `/tools?gateway_id=${gw.id}`)).json();
      expect(names(discovered)).toEqual(['owner-add', 'owner-echo']);
      const echo = discovered.find((x: { name: string }) => x.name === 'owner-echo').id as string;
      const server = await t.call('POST', '/servers', {
        name: 'uses-owner',
        associated_tools: ['owner-echo'],
      });
      expect(server.statusCode).toBe(201);

      const seen: string[] = [];
      const stop = t.registry.events.subscribe((e) => seen.push(e.type === 'list_changed' ? e.kind : e.type));
      const off = await t.call('POST', `/gateways/${gw.id}/state?activate=false`);
      expect(off.json().enabled).toBe(false);
      expect(names((await t.call('GET', '/tools')).json())).not.toContain('owner-echo');
      const all = (await t.call('GET', `/tools?include_inactive=true&gateway_id=${gw.id}`)).json();
      expect(all.map((x: { enabled: boolean }) => x.enabled)).toEqual([false, false]);
      expect((await t.call('GET', `/servers/${server.json().id}/tools`)).json()).toEqual([]);
      expect(names((await t.call('GET', '/gateways')).json())).not.toContain('owner');

      expect((await t.call('POST', `/gateways/${gw.id}/toggle?activate=true`)).json().enabled).toBe(true);
      expect(names((await t.call('GET', `/tools?gateway_id=${gw.id}`)).json())).toEqual([
        'owner-add',
        'owner-echo',
      ]);
      stop();
      expect(seen).toEqual(['tools', 'tools']);

      // Deleting the gateway takes its tools and their server associations with it.
      expect((await t.call('DELETE', `/gateways/${gw.id}`)).statusCode).toBe(200);
      expect((await t.call('GET', `/tools/${echo}`)).statusCode).toBe(404);
      expect((await t.call('GET', `/servers/${server.json().id}`)).json().associatedTools).toEqual([]);
      expect((await t.call('GET', `/gateways/${gw.id}`)).statusCode).toBe(404);
      expect((await t.call('DELETE', `/gateways/${gw.id}`)).statusCode).toBe(404);
    });

    it('pages gateways with cursors', async () => {
      const first = (await t.call('GET', '/gateways?include_pagination=true&limit=2')).json();
      expect(first.gateways).toHaveLength(2);
      const second = (
        await t.call('GET', `/gateways?include_pagination=true&limit=2&cursor=${first.nextCursor}`)
      ).json();
      expect(names([...first.gateways, ...second.gateways])).toEqual(
        names((await t.call('GET', '/gateways')).json()),
      );
    });

    it('needs an admin token to write, any valid token to read', async () => {
      expect((await t.call('GET', '/gateways', undefined, t.userToken)).statusCode).toBe(200);
      const denied = await t.call(
        'POST',
        '/gateways',
        { name: 'u', url: 'https://u.example.com' },
        t.userToken,
      );
      expect(denied.statusCode).toBe(403);
      const id = (await t.call('GET', '/gateways')).json()[0].id as string;
      expect((await t.call('GET', `/gateways/${id}`, undefined, t.userToken)).statusCode).toBe(200);
      expect((await t.call('PUT', `/gateways/${id}`, { description: 'x' }, t.userToken)).statusCode).toBe(
        403,
      );
      expect((await t.call('DELETE', `/gateways/${id}`, undefined, t.userToken)).statusCode).toBe(403);
      expect((await t.call('POST', `/gateways/${id}/state`, undefined, t.userToken)).statusCode).toBe(403);
    });
  });
}
