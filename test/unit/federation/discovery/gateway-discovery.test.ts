import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryEvent } from '../../../../src/registry/common/events.js';
import { backends } from '../../../helpers/backends.js';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.js';
import { freePort } from '../../../fixtures/federation/everything.js';
import {
  startMutableUpstream,
  tool,
  type MutableUpstream,
} from '../../../fixtures/federation/mutable-upstream.js';

interface ToolRead {
  id: string;
  name: string;
  originalName: string;
  integrationType: string;
  requestType: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown> | null;
  annotations: Record<string, unknown>;
  description: string | null;
  gatewayId: string | null;
}

const names = (items: Array<{ name: string }>) => items.map((x) => x.name).sort();

const weatherSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: { place: { $ref: '#/$defs/place' } },
  required: ['place'],
  $defs: { place: { type: 'string', minLength: 1 } },
  additionalProperties: false,
};

for (const backend of backends()) {
  describe(`gateway discovery (${backend.name})`, () => {
    let t: TestApp;
    let up: MutableUpstream;
    const events: RegistryEvent[] = [];

    beforeAll(async () => {
      up = await startMutableUpstream({
        pageSize: 2, // every list is walked over several pages
        state: {
          tools: [
            tool('alpha', {
              title: 'Alpha',
              inputSchema: weatherSchema as never,
              outputSchema: { type: 'object', properties: { ok: { type: 'boolean' } } },
              annotations: { readOnlyHint: true, openWorldHint: false },
            }),
            tool('beta'),
            tool('gamma'),
            tool('delta'),
            tool('epsilon'),
          ],
          resources: [
            { uri: 'mutable://doc/one', name: 'one', mimeType: 'text/plain' },
            { uri: 'mutable://doc/two', name: 'two', description: 'the second' },
          ],
          templates: [{ uriTemplate: 'mutable://item/{id}', name: 'item', mimeType: 'application/json' }],
          prompts: [
            {
              name: 'greet',
              description: 'says hello',
              arguments: [
                { name: 'who', description: 'whom to greet', required: true },
                { name: 'tone', required: false },
              ],
            },
          ],
        },
      });
      t = await buildTestApp(backend, { SSRF_ALLOW_LOCALHOST: 'true' });
      t.registry.events.subscribe((e) => events.push(e));
    });
    afterAll(async () => {
      await t.close();
      await up.close();
    });

    async function toolsOf(gatewayId: string): Promise<ToolRead[]> {
      return (await t.call('GET', `/tools?include_inactive=true&gateway_id=${gatewayId}`)).json();
    }

    it('registers a gateway and stores every page of its tools, resources, templates and prompts', async () => {
      events.length = 0;
      const res = await t.call('POST', '/gateways', { name: 'Mutable', url: up.url });
      expect(res.statusCode, res.body).toBe(201);
      const gw = res.json();
      expect(gw.serverInfo).toMatchObject({ name: 'mutable-upstream', version: '1.2.3' });
      expect(gw.serverInfo.protocolVersion).toEqual(expect.any(String));

      const tools = await toolsOf(gw.id);
      expect(names(tools)).toEqual([
        'mutable-alpha',
        'mutable-beta',
        'mutable-delta',
        'mutable-epsilon',
        'mutable-gamma',
      ]);
      const alpha = tools.find((x) => x.originalName === 'alpha')!;
      expect(alpha).toMatchObject({
        name: 'mutable-alpha',
        integrationType: 'MCP',
        requestType: 'STREAMABLEHTTP',
        gatewayId: gw.id,
        displayName: 'Alpha',
        annotations: { readOnlyHint: true, openWorldHint: false },
        outputSchema: { type: 'object', properties: { ok: { type: 'boolean' } } },
      });
      // Verbatim: $schema, $ref and $defs reach clients as the upstream wrote them.
      expect(alpha.inputSchema).toEqual(weatherSchema);

      const resources = (await t.call('GET', '/resources?include_inactive=true')).json();
      const ours = resources.filter((r: { gatewayId: string | null }) => r.gatewayId === gw.id);
      expect(ours.map((r: { uri: string }) => r.uri).sort()).toEqual([
        'mutable://doc/one',
        'mutable://doc/two',
        'mutable://item/{id}',
      ]);
      expect(ours.find((r: { uri: string }) => r.uri === 'mutable://item/{id}')).toMatchObject({
        uriTemplate: 'mutable://item/{id}',
        mimeType: 'application/json',
      });

      const prompt = (await t.call('GET', '/prompts?include_inactive=true'))
        .json()
        .find((p: { gatewayId: string | null }) => p.gatewayId === gw.id);
      expect(prompt).toMatchObject({ name: 'mutable-greet', originalName: 'greet', template: '' });
      expect(prompt.arguments).toEqual([
        { name: 'who', description: 'whom to greet', required: true },
        { name: 'tone', required: false },
      ]);
      expect(events).toEqual(
        expect.arrayContaining([
          { type: 'list_changed', kind: 'tools' },
          { type: 'list_changed', kind: 'resources' },
          { type: 'list_changed', kind: 'prompts' },
        ]),
      );
    });

    it('uses bare names with prefix mode never, and falls back to the prefix on a clash with conflict', async () => {
      const solo = await startMutableUpstream({ state: { tools: [tool('solo_one'), tool('shared')] } });
      try {
        const rest = await t.call('POST', '/tools', { name: 'shared', url: 'https://rest.example.com/x' });
        expect(rest.statusCode).toBe(201);
        const conflictMode = (
          await t.call('POST', '/gateways', { name: 'cmode', url: solo.url, prefix_mode: 'conflict' })
        ).json();
        expect(names(await toolsOf(conflictMode.id))).toEqual(['cmode-shared', 'solo_one']);

        const never = await t.call('POST', '/gateways', {
          name: 'nmode',
          url: solo.url,
          prefix_mode: 'never',
        });
        expect(never.statusCode).toBe(409);
        expect(never.json().detail).toMatch(
          /"solo_one".*clashes with the existing tool "solo_one".*gateway "cmode"/,
        );
      } finally {
        await solo.close();
      }
    });

    it('shortens long or odd upstream names to valid, distinct names and keeps the original', async () => {
      const long = `${'really_long_tool_name_'.repeat(4)}end`;
      const odd = await startMutableUpstream({
        state: { tools: [tool(long), tool('weather.get'), tool('weather/get')] },
      });
      try {
        const gw = (await t.call('POST', '/gateways', { name: 'odd', url: odd.url })).json();
        const tools = await toolsOf(gw.id);
        expect(tools).toHaveLength(3);
        for (const x of tools) expect(x.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
        expect(new Set(tools.map((x) => x.name)).size).toBe(3);
        expect(tools.find((x) => x.originalName === long)!.name).toHaveLength(64);
        expect(tools.map((x) => x.originalName).sort()).toEqual([long, 'weather.get', 'weather/get'].sort());
      } finally {
        await odd.close();
      }
    });

    it('refuses a tool name someone else holds with a 409 naming both, and stores nothing', async () => {
      expect(
        (await t.call('POST', '/tools', { name: 'clash-beta', url: 'https://r.example.com' })).statusCode,
      ).toBe(201);
      const tools = await t.call('POST', '/gateways', { name: 'clash', url: up.url });
      expect(tools.statusCode).toBe(409);
      expect(tools.json().detail).toMatch(
        /tool name "clash-beta" for upstream tool "beta" of gateway "clash" clashes with the existing tool "clash-beta" \(id \w+, not federated\)/,
      );
      const all = names((await t.call('GET', '/gateways?include_inactive=true')).json());
      expect(all).not.toContain('clash');
      expect(names(await t.call('GET', '/tools?include_inactive=true').then((r) => r.json()))).not.toContain(
        'clash-alpha',
      );
    });

    it('registers two gateways exposing the same resource URIs; a virtual server takes only one of each', async () => {
      const second = await t.call('POST', '/gateways', { name: 'second', url: up.url });
      expect(second.statusCode, second.body).toBe(201);
      const secondId = second.json().id as string;
      try {
        const resources = (await t.call('GET', '/resources?include_inactive=true')).json<
          Array<{ id: string; uri: string; gatewayId: string | null }>
        >();
        const shared = resources.filter((r) => r.uri === 'mutable://doc/one');
        const gateways = (await t.call('GET', '/gateways')).json<Array<{ id: string; name: string }>>();
        const firstId = gateways.find((g) => g.name === 'Mutable')!.id;
        expect(shared.map((r) => r.gatewayId).sort()).toEqual([firstId, secondId].sort());
        // The global endpoint lists the URI once; reading it answers from one of them.
        const listed = await t.registry.resources.listResources();
        expect(listed.filter((r) => r.uri === 'mutable://doc/one')).toHaveLength(1);

        const both = await t.call('POST', '/servers', {
          name: 'both-docs',
          associated_resources: shared.map((r) => r.id),
        });
        expect(both.statusCode).toBe(409);
        expect(both.json().detail).toMatch(
          /resources \w+ \(gateway "(Mutable|second)"\) and \w+ \(gateway "(Mutable|second)"\) both have the URI "mutable:\/\/doc\/one"/,
        );
        const byUri = await t.call('POST', '/servers', {
          name: 'by-uri',
          associated_resources: ['mutable://doc/one'],
        });
        expect(byUri.statusCode).toBe(409);
        expect(byUri.json().detail).toMatch(
          /the URI "mutable:\/\/doc\/one" names 2 resources .*: reference the one you mean by id/,
        );
        const one = await t.call('POST', '/servers', {
          name: 'one-doc',
          associated_resources: [shared[1]!.id],
        });
        expect(one.statusCode, one.body).toBe(201);
        const scoped = await t.registry.resources.routeByUri('mutable://doc/one', one.json().id as string);
        expect(scoped?.id).toBe(shared[1]!.id);
        expect((await t.call('DELETE', `/servers/${one.json().id as string}`)).statusCode).toBe(200);
      } finally {
        expect((await t.call('DELETE', `/gateways/${secondId}`)).statusCode).toBe(200);
      }
    });

    it('answers 502 saying what failed when the upstream is unreachable or refuses the credentials', async () => {
      const port = await freePort();
      const down = await t.call('POST', '/gateways', { name: 'down', url: `http://127.0.0.1:${port}/mcp` });
      expect(down.statusCode).toBe(502);
      expect(down.json().detail).toBe(
        `Cannot connect to gateway down (http://127.0.0.1:${port}/mcp): connection refused to 127.0.0.1:${port}`,
      );
      const locked = await startMutableUpstream({ token: 'right' });
      try {
        const wrong = await t.call('POST', '/gateways', {
          name: 'locked',
          url: locked.url,
          auth_type: 'bearer',
          auth_token: 'wrong',
        });
        expect(wrong.statusCode).toBe(502);
        expect(wrong.json().detail).toMatch(/HTTP 401 from upstream/);
        const right = await t.call('POST', '/gateways', {
          name: 'locked',
          url: locked.url,
          auth: { auth_type: 'bearer', token: 'right' },
        });
        expect(right.statusCode).toBe(201);
        // Only the gateway's credential went upstream, never the admin's own token.
        expect(locked.authorizations.every((a) => a === 'Bearer wrong' || a === 'Bearer right')).toBe(true);
      } finally {
        await locked.close();
      }
      const all = names((await t.call('GET', '/gateways?include_inactive=true')).json());
      expect(all).not.toContain('down');
    });

    it('refreshes: vanished entities go, changed ones update, new ones come, renames stay', async () => {
      const live = await startMutableUpstream({
        state: { tools: [tool('keep'), tool('change'), tool('drop')], prompts: [{ name: 'p1' }] },
      });
      try {
        const gw = (await t.call('POST', '/gateways', { name: 'live', url: live.url })).json();
        const keep = (await toolsOf(gw.id)).find((x) => x.originalName === 'keep')!;
        const renamed = await t.call('PUT', `/tools/${keep.id}`, { name: 'my_keep' });
        expect(renamed.statusCode).toBe(200);

        live.state.tools = [tool('keep'), tool('change', { description: 'now different' }), tool('fresh')];
        live.state.prompts = [];
        events.length = 0;
        const res = await t.call('POST', `/gateways/${gw.id}/tools/refresh`);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({
          added: 1,
          updated: 1,
          removed: 1,
          tools: { added: 1, updated: 1, removed: 1 },
          prompts: { added: 0, updated: 0, removed: 1 },
          resources: { added: 0, updated: 0, removed: 0 },
        });
        const tools = await toolsOf(gw.id);
        expect(names(tools)).toEqual(['live-change', 'live-fresh', 'my_keep']);
        expect(tools.find((x) => x.originalName === 'change')!.description).toBe('now different');
        expect(events).toEqual([
          { type: 'list_changed', kind: 'tools' },
          { type: 'list_changed', kind: 'prompts' },
        ]);
        const again = (await t.call('POST', `/gateways/${gw.id}/tools/refresh`)).json();
        expect(again).toMatchObject({ added: 0, updated: 0, removed: 0 });
      } finally {
        await live.close();
      }
    });

    it('re-discovers when the URL changes, and a disabled gateway keeps new entities disabled', async () => {
      const a = await startMutableUpstream({ state: { tools: [tool('from_a')] } });
      const b = await startMutableUpstream({ state: { tools: [tool('from_b')] } });
      try {
        const gw = (await t.call('POST', '/gateways', { name: 'moving', url: a.url })).json();
        await t.call('POST', `/gateways/${gw.id}/state?activate=false`);
        const moved = await t.call('PUT', `/gateways/${gw.id}`, { url: b.url });
        expect(moved.statusCode, moved.body).toBe(200);
        const tools = await toolsOf(gw.id);
        expect(tools.map((x) => [x.name, (x as unknown as { enabled: boolean }).enabled])).toEqual([
          ['moving-from_b', false],
        ]);
        const renamed = await t.call('PUT', `/gateways/${gw.id}`, { name: 'Moved' });
        expect(renamed.statusCode).toBe(200);
        expect(names(await toolsOf(gw.id))).toEqual(['moved-from_b']);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('authenticates with OAuth client credentials: token fetched once, secret encrypted and masked', async () => {
      let issued = 0;
      const tokens = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          const ok = new URLSearchParams(body).get('client_secret') === 'cs-secret';
          if (ok) issued += 1;
          res
            .writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
            .end(ok ? '{"access_token":"oauth-token","expires_in":3600}' : '{"error":"invalid_client"}');
        });
      });
      await new Promise<void>((resolve) => tokens.listen(0, '127.0.0.1', resolve));
      const tokenUrl = `http://127.0.0.1:${(tokens.address() as AddressInfo).port}/token`;
      const guarded = await startMutableUpstream({
        token: 'oauth-token',
        state: { tools: [tool('secret')] },
      });
      try {
        const auth = { auth_type: 'oauth', token_url: tokenUrl, client_id: 'gw', client_secret: 'cs-secret' };
        const res = await t.call('POST', '/gateways', { name: 'oauthed', url: guarded.url, auth });
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json().auth).toEqual({
          authType: 'oauth',
          tokenUrl,
          clientId: 'gw',
          clientSecret: '*****',
          scope: null,
        });
        expect(res.body).not.toContain('cs-secret');
        const id = res.json().id as string;
        // Re-sending the mask keeps the secret: the refresh below still authenticates (with the cached token).
        await t.call('PUT', `/gateways/${id}`, {
          auth: { ...auth, client_secret: '*****' },
          description: 'd',
        });
        expect((await t.call('POST', `/gateways/${id}/tools/refresh`)).statusCode).toBe(200);
        expect(issued).toBe(1);
        expect(guarded.authorizations.filter((a) => a !== 'Bearer oauth-token')).toEqual([]);

        const refused = await t.call('POST', '/gateways', {
          name: 'badclient',
          url: guarded.url,
          auth: { ...auth, client_secret: 'nope' },
        });
        expect(refused.statusCode).toBe(502);
        expect(refused.json().detail).toMatch(
          /OAuth token request to .*\/token failed: HTTP 401 \(invalid_client\)/,
        );
      } finally {
        await guarded.close();
        await new Promise<void>((resolve) => tokens.close(() => resolve()));
      }
    });

    it('refuses OAuth on REST tools, where no token cache exists', async () => {
      const res = await t.call('POST', '/tools', {
        name: 'oauth_tool',
        url: 'https://r.example.com',
        auth: {
          auth_type: 'oauth',
          token_url: 'https://a.example.com/t',
          client_id: 'c',
          client_secret: 's',
        },
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().detail).toMatch(/oauth is supported on gateways only/);
    });

    it('serializes concurrent refreshes of one gateway', async () => {
      const busy = await startMutableUpstream({ state: { tools: [tool('t0')] } });
      try {
        const gw = (await t.call('POST', '/gateways', { name: 'busy', url: busy.url })).json();
        busy.state.tools = Array.from({ length: 12 }, (_, i) => tool(`t${i}`));
        const results = await Promise.all(
          Array.from({ length: 4 }, () => t.call('POST', `/gateways/${gw.id}/tools/refresh`)),
        );
        expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
        expect(results.map((r) => r.json().added as number).reduce((a, b) => a + b, 0)).toBe(11);
        expect(await toolsOf(gw.id)).toHaveLength(12);
      } finally {
        await busy.close();
      }
    });

    it('deletes a gateway with everything it owns', async () => {
      const gw = (await t.call('GET', '/gateways'))
        .json()
        .find((g: { name: string }) => g.name === 'Mutable');
      events.length = 0;
      expect((await t.call('DELETE', `/gateways/${gw.id}`)).statusCode).toBe(200);
      expect(await toolsOf(gw.id)).toEqual([]);
      const resources = (await t.call('GET', '/resources?include_inactive=true')).json();
      expect(resources.some((r: { gatewayId: string | null }) => r.gatewayId === gw.id)).toBe(false);
      expect(events.map((e) => (e.type === 'list_changed' ? e.kind : e.type)).sort()).toEqual([
        'prompts',
        'resources',
        'tools',
      ]);
    });
  });
}
