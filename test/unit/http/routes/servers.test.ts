import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../helpers/backends.js';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.js';

const restTool = (name: string) => ({ name, url: `https://api.example.com/${name}`, request_type: 'GET' });
const names = (items: Array<{ name: string }>) => items.map((x) => x.name);

for (const backend of backends()) {
  describe(`servers routes (${backend.name})`, () => {
    let t: TestApp;
    const toolIds = new Map<string, string>();

    beforeAll(async () => {
      t = await buildTestApp(backend);
      for (const name of ['alpha', 'beta', 'gamma']) {
        const res = await t.call('POST', '/tools', restTool(name));
        toolIds.set(name, res.json().id as string);
      }
    });
    afterAll(async () => t.close());

    const serverCount = async () =>
      (await t.call('GET', '/servers?include_inactive=true')).json().length as number;

    it('creates from the embedded form with tool ids and reads camelCase with metrics', async () => {
      const res = await t.call('POST', '/servers', {
        server: {
          name: 'Bundle',
          description: 'two tools',
          icon: 'https://example.com/icon.png',
          tags: ['Prod'],
          associated_tools: [toolIds.get('beta'), toolIds.get('alpha')],
        },
        team_id: null,
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        name: 'Bundle',
        description: 'two tools',
        icon: 'https://example.com/icon.png',
        enabled: true,
        tags: ['prod'],
        // Ordered by tool name, whatever order they were sent in.
        associatedTools: [toolIds.get('alpha'), toolIds.get('beta')],
        associatedResources: [],
        associatedPrompts: [],
        version: 1,
        metrics: { totalExecutions: 0 },
      });
      expect(typeof res.json().createdAt).toBe('string');
    });

    it('creates from the flat camelCase form, resolving tool names to ids', async () => {
      const res = await t.call('POST', '/v1/servers', {
        name: 'ByName',
        associatedTools: ['gamma', 'alpha'],
      });
      expect(res.statusCode).toBe(201);
      expect(res.json().associatedTools).toEqual([toolIds.get('alpha'), toolIds.get('gamma')]);
      const csv = await t.call('POST', '/servers', { name: 'Csv', associated_tools: 'beta, gamma' });
      expect(csv.json().associatedTools).toEqual([toolIds.get('beta'), toolIds.get('gamma')]);
      expect(names((await t.call('GET', '/servers')).json())).toEqual(['Bundle', 'ByName', 'Csv']);
    });

    it('answers 422 naming unknown associations and writes nothing', async () => {
      const before = await serverCount();
      const res = await t.call('POST', '/servers', {
        name: 'Broken',
        associated_tools: ['alpha', 'no_such_tool'],
        associated_prompts: [],
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().detail).toContain('associated_tools');
      expect(res.json().detail).toContain('no_such_tool');
      expect(await serverCount()).toBe(before);
      expect((await t.call('GET', '/servers?include_inactive=true')).body).not.toContain('Broken');

      const resources = await t.call('POST', '/servers', {
        name: 'Broken2',
        associated_resources: ['r-404'],
      });
      expect(resources.statusCode).toBe(422);
      expect(resources.json().detail).toContain('r-404');
    });

    it('rolls back a rename together with a failing association change', async () => {
      const server = (await t.call('GET', '/servers')).json().find((s: { name: string }) => s.name === 'Csv');
      const res = await t.call('PUT', `/servers/${server.id}`, {
        name: 'Renamed',
        associated_tools: ['nope'],
      });
      expect(res.statusCode).toBe(422);
      const after = (await t.call('GET', `/servers/${server.id}`)).json();
      expect(after).toMatchObject({ name: 'Csv', version: 1, associatedTools: server.associatedTools });
    });

    it('answers 409 naming the field on duplicate name or id', async () => {
      const dup = await t.call('POST', '/servers', { name: 'Bundle' });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().detail).toContain('name "Bundle"');

      const first = await t.call('POST', '/servers', { id: 'fixed-id-1', name: 'Fixed' });
      expect(first.statusCode).toBe(201);
      expect(first.json().id).toBe('fixed-id-1');
      const again = await t.call('POST', '/servers', { id: 'fixed-id-1', name: 'Other' });
      expect(again.statusCode).toBe(409);
      expect(again.json().detail).toContain('id "fixed-id-1"');

      const bundle = (await t.call('GET', '/servers'))
        .json()
        .find((s: { name: string }) => s.name === 'Bundle');
      const rename = await t.call('PUT', `/servers/${bundle.id}`, { name: 'Fixed' });
      expect(rename.statusCode).toBe(409);
      expect(rename.json().detail).toContain('name "Fixed"');
    });

    it('lists exactly the associated enabled tools at /servers/{id}/tools', async () => {
      const bundle = (await t.call('GET', '/servers'))
        .json()
        .find((s: { name: string }) => s.name === 'Bundle');
      const listed = await t.call('GET', `/servers/${bundle.id}/tools`, undefined, t.userToken);
      expect(listed.statusCode).toBe(200);
      expect(names(listed.json())).toEqual(['alpha', 'beta']);

      await t.call('POST', `/tools/${toolIds.get('beta')}/state?activate=false`);
      expect(names((await t.call('GET', `/servers/${bundle.id}/tools`)).json())).toEqual(['alpha']);
      expect(
        names((await t.call('GET', `/servers/${bundle.id}/tools?include_inactive=true`)).json()),
      ).toEqual(['alpha', 'beta']);
      await t.call('POST', `/tools/${toolIds.get('beta')}/state?activate=true`);

      const paged = (
        await t.call('GET', `/servers/${bundle.id}/tools?include_pagination=true&limit=1`)
      ).json();
      expect(names(paged.tools)).toEqual(['alpha']);
      expect(typeof paged.nextCursor).toBe('string');

      expect((await t.call('GET', '/servers/unknown-server/tools')).statusCode).toBe(404);
    });

    it('associates resources by id or URI and prompts by id or name, listed at their sub-routes', async () => {
      const doc = (
        await t.call('POST', '/resources', { uri: 'file:///docs/a.md', name: 'A', content: 'a' })
      ).json();
      await t.call('POST', '/resources', { uri: 'file:///docs/b.md', name: 'B', content: 'b' });
      const hello = (await t.call('POST', '/prompts', { name: 'hello', template: 'Hi {{ who }}' })).json();
      const res = await t.call('POST', '/servers', {
        name: 'Content',
        associated_resources: [doc.id, 'file:///docs/b.md'],
        associatedPrompts: ['hello'],
      });
      expect(res.statusCode).toBe(201);
      expect(res.json().associatedResources).toHaveLength(2);
      expect(res.json().associatedPrompts).toEqual([hello.id]);
      const id = res.json().id as string;
      const listed = await t.call('GET', `/servers/${id}/resources`, undefined, t.userToken);
      expect(listed.json().map((r: { uri: string }) => r.uri)).toEqual([
        'file:///docs/a.md',
        'file:///docs/b.md',
      ]);
      expect(names((await t.call('GET', `/servers/${id}/prompts`, undefined, t.userToken)).json())).toEqual([
        'hello',
      ]);
      expect((await t.call('GET', `/servers/${id}/tools`)).json()).toEqual([]);
      expect((await t.call('GET', '/servers/unknown-server/prompts')).statusCode).toBe(404);

      const unknown = await t.call('PUT', `/servers/${id}`, { associated_prompts: ['hello', 'bye'] });
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json().detail).toContain('associated_prompts');
      expect(unknown.json().detail).toContain('bye');
    });

    it('replaces associations on update, clears them with null, and drops them with the tool', async () => {
      const byName = (await t.call('GET', '/servers'))
        .json()
        .find((s: { name: string }) => s.name === 'ByName');
      const replaced = await t.call('PUT', `/servers/${byName.id}`, { associated_tools: ['beta'] });
      expect(replaced.json()).toMatchObject({ associatedTools: [toolIds.get('beta')], version: 2 });
      const cleared = await t.call('PUT', `/servers/${byName.id}`, { associated_tools: null });
      expect(cleared.json().associatedTools).toEqual([]);

      const extra = (await t.call('POST', '/tools', restTool('delta'))).json().id as string;
      await t.call('PUT', `/servers/${byName.id}`, { associated_tools: [extra] });
      await t.call('DELETE', `/tools/${extra}`);
      expect((await t.call('GET', `/servers/${byName.id}`)).json().associatedTools).toEqual([]);
    });

    it('toggles with /state and /toggle, hides disabled servers from the default list, deletes', async () => {
      const id = (await t.call('POST', '/servers', { name: 'Toggled', tags: ['blue'] })).json().id as string;
      expect((await t.call('POST', `/servers/${id}/state?activate=false`)).json().enabled).toBe(false);
      expect(names((await t.call('GET', '/servers')).json())).not.toContain('Toggled');
      expect(names((await t.call('GET', '/servers?include_inactive=true')).json())).toContain('Toggled');
      await expect(t.registry.servers.requireEnabled(id)).rejects.toMatchObject({ code: 'NotFound' });
      expect((await t.call('POST', `/servers/${id}/toggle?activate=true`)).json().enabled).toBe(true);
      await expect(t.registry.servers.requireEnabled(id)).resolves.toMatchObject({ name: 'Toggled' });
      expect(names((await t.call('GET', '/servers?tags=blue')).json())).toEqual(['Toggled']);

      expect((await t.call('DELETE', `/servers/${id}`)).statusCode).toBe(200);
      expect((await t.call('GET', `/servers/${id}`)).statusCode).toBe(404);
      expect((await t.call('DELETE', `/servers/${id}`)).statusCode).toBe(404);
    });

    it('emits servers_changed on every change', async () => {
      const seen: string[] = [];
      const stop = t.registry.events.subscribe((e) => seen.push(e.type));
      const id = (await t.call('POST', '/servers', { name: 'Evented' })).json().id as string;
      await t.call('PUT', `/servers/${id}`, { description: 'x' });
      await t.call('POST', `/servers/${id}/state?activate=false`);
      await t.call('DELETE', `/servers/${id}`);
      stop();
      expect(seen).toEqual(['servers_changed', 'servers_changed', 'servers_changed', 'servers_changed']);
    });

    it('rejects bad input with 422 naming the field', async () => {
      const cases: Array<[unknown, string]> = [
        [{ name: 'x'.repeat(256) }, 'name'],
        [{ name: '' }, 'name'],
        [{ description: 'no name' }, 'name'],
        [{ name: 'ok', icon: 'javascript:alert(1)' }, 'icon'],
        [{ name: 'ok', associated_tools: [42] }, 'associated_tools'],
        [{ name: 'ok', id: 'bad id!' }, 'id'],
      ];
      for (const [body, mention] of cases) {
        const res = await t.call('POST', '/servers', body);
        expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(422);
        expect(res.json().detail).toContain(mention);
      }
    });

    it('needs an admin token to write, any valid token to read', async () => {
      expect((await t.call('GET', '/servers', undefined, t.userToken)).statusCode).toBe(200);
      const denied = await t.call('POST', '/servers', { name: 'ByUser' }, t.userToken);
      expect(denied.statusCode).toBe(403);
      const id = (await t.call('GET', '/servers')).json()[0].id as string;
      expect((await t.call('PUT', `/servers/${id}`, { name: 'x' }, t.userToken)).statusCode).toBe(403);
      expect((await t.call('DELETE', `/servers/${id}`, undefined, t.userToken)).statusCode).toBe(403);
      expect((await t.call('POST', `/servers/${id}/toggle`, undefined, t.userToken)).statusCode).toBe(403);
      expect((await t.call('GET', '/servers', undefined, null)).statusCode).toBe(401);
    });
  });
}
