import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../helpers/backends.js';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.js';
import { startMutableUpstream, type MutableUpstream } from '../../../fixtures/federation/mutable-upstream.js';

for (const backend of backends()) {
  describe(`tags routes (${backend.name})`, () => {
    let t: TestApp;
    let upstream: MutableUpstream;
    const ids = new Map<string, string>();
    beforeAll(async () => {
      // Registering a gateway discovers it: a real (local) upstream with no tools keeps the counts as they are.
      upstream = await startMutableUpstream({ state: { tools: [] } });
      t = await buildTestApp(backend, { SSRF_ALLOW_LOCALHOST: 'true' });
      const made = [
        await t.call('POST', '/tools', {
          name: 'weather',
          url: 'https://w.example.com',
          tags: ['api', 'Prod'],
        }),
        await t.call('POST', '/tools', { name: 'untagged', url: 'https://u.example.com' }),
        await t.call('POST', '/servers', { name: 'main', description: 'the bundle', tags: ['prod'] }),
        await t.call('POST', '/gateways', { name: 'up', url: upstream.url, tags: ['api'] }),
      ];
      for (const res of made) ids.set(res.json().name as string, res.json().id as string);
    });
    afterAll(async () => {
      await t.close();
      await upstream.close();
    });

    it('lists every tag with per-kind counts, without entities by default', async () => {
      const res = await t.call('GET', '/tags', undefined, t.userToken);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual([
        {
          name: 'api',
          stats: { tools: 1, resources: 0, prompts: 0, servers: 0, gateways: 1, total: 2 },
          entities: [],
        },
        {
          name: 'prod',
          stats: { tools: 1, resources: 0, prompts: 0, servers: 1, gateways: 0, total: 2 },
          entities: [],
        },
      ]);
    });

    it('filters by entity_types and includes entities on request', async () => {
      const res = await t.call('GET', '/tags?entity_types=servers,gateway&include_entities=true');
      expect(res.json()).toEqual([
        {
          name: 'api',
          stats: { tools: 0, resources: 0, prompts: 0, servers: 0, gateways: 1, total: 1 },
          entities: [{ id: ids.get('up'), name: 'up', type: 'gateway', description: null }],
        },
        {
          name: 'prod',
          stats: { tools: 0, resources: 0, prompts: 0, servers: 1, gateways: 0, total: 1 },
          entities: [{ id: ids.get('main'), name: 'main', type: 'server', description: 'the bundle' }],
        },
      ]);
      expect((await t.call('GET', '/tags?entity_types=widgets')).statusCode).toBe(422);
    });

    it('lists the entities carrying one tag', async () => {
      const res = await t.call('GET', '/tags/prod/entities');
      expect(res.json().map((e: { type: string; name: string }) => `${e.type}:${e.name}`)).toEqual([
        'tool:weather',
        'server:main',
      ]);
      const tools = await t.call('GET', '/tags/prod/entities?entity_types=tools');
      expect(tools.json()).toEqual([
        { id: ids.get('weather'), name: 'weather', type: 'tool', description: null },
      ]);
      expect((await t.call('GET', '/tags/unused/entities')).json()).toEqual([]);
    });

    it('needs a valid token', async () => {
      expect((await t.call('GET', '/tags', undefined, null)).statusCode).toBe(401);
    });
  });
}
