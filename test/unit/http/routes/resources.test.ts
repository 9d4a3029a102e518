import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryEvent } from '../../../../src/registry/common/events.js';
import { backends } from '../../../helpers/backends.js';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.js';

const textResource = (uri: string, extra: Record<string, unknown> = {}) => ({
  uri,
  name: `Resource ${uri}`,
  content: `content of ${uri}`,
  ...extra,
});

const uris = (res: { json(): unknown }): string[] => (res.json() as Array<{ uri: string }>).map((r) => r.uri);

for (const backend of backends()) {
  describe(`resources routes (${backend.name})`, () => {
    let t: TestApp;
    const events: RegistryEvent[] = [];
    beforeAll(async () => {
      t = await buildTestApp(backend);
      t.registry.events.subscribe((e) => events.push(e));
    });
    afterAll(async () => t.close());

    it('creates from the embedded and the flat form, reads camelCase metadata, and lists by uri', async () => {
      const embedded = await t.call('POST', '/resources', {
        resource: textResource('file:///docs/readme.md', { description: 'The readme', tags: ['Docs'] }),
        team_id: null,
      });
      expect(embedded.statusCode).toBe(201);
      expect(embedded.json()).toMatchObject({
        uri: 'file:///docs/readme.md',
        name: 'Resource file:///docs/readme.md',
        description: 'The readme',
        mimeType: 'text/markdown',
        uriTemplate: null,
        size: 'content of file:///docs/readme.md'.length,
        enabled: true,
        tags: ['docs'],
        version: 1,
        metrics: { totalExecutions: 0 },
      });

      const flat = await t.call('POST', '/v1/resources', {
        ...textResource('config://app/settings'),
        mimeType: 'application/json',
        content: '{"mode": "dark", "name": "Zoë"}',
      });
      expect(flat.statusCode).toBe(201);
      expect(flat.json()).toMatchObject({ mimeType: 'application/json', size: 32 });
      expect(events).toContainEqual({ type: 'list_changed', kind: 'resources' });

      expect(uris(await t.call('GET', '/resources'))).toEqual([
        'config://app/settings',
        'file:///docs/readme.md',
      ]);
    });

    it('answers 409 naming the uri on a duplicate and stores nothing', async () => {
      const dup = await t.call('POST', '/resources', textResource('file:///docs/readme.md'));
      expect(dup.statusCode).toBe(409);
      expect(dup.json().detail).toContain('file:///docs/readme.md');
      expect(dup.json().detail).toContain('uri');
      expect((await t.call('GET', '/resources')).json()).toHaveLength(2);
    });

    it('GET /resources/{id} returns the content (also by encoded uri); /info the metadata with read metrics', async () => {
      const created = (await t.call('POST', '/resources', textResource('note://today'))).json();
      const content = await t.call('GET', `/resources/${created.id}`);
      expect(content.statusCode).toBe(200);
      expect(content.json()).toEqual({
        type: 'resource',
        id: created.id,
        uri: 'note://today',
        mimeType: 'text/plain',
        text: 'content of note://today',
      });
      const byUri = await t.call('GET', `/resources/${encodeURIComponent('note://today')}`);
      expect(byUri.json().text).toBe('content of note://today');

      await t.services.metrics.flush();
      const info = await t.call('GET', `/resources/${created.id}/info`);
      expect(info.json()).toMatchObject({ uri: 'note://today', metrics: { totalExecutions: 2 } });
      expect(info.json()).not.toHaveProperty('text');
      expect((await t.call('GET', '/resources/no-such-id')).statusCode).toBe(404);
    });

    it('round-trips binary content sent as base64, and rejects content that is not base64', async () => {
      const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const res = await t.call('POST', '/resources', {
        uri: 'blob://all-bytes',
        name: 'all bytes',
        content: bytes.toString('base64'),
        content_encoding: 'base64',
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ size: 256, mimeType: 'application/octet-stream' });
      const read = (await t.call('GET', `/resources/${res.json().id}`)).json();
      expect(read).not.toHaveProperty('text');
      expect(Buffer.from(read.blob, 'base64').equals(bytes)).toBe(true);

      const mcp = await t.registry.resources.readByUri('blob://all-bytes');
      expect(mcp.contents).toEqual([
        { uri: 'blob://all-bytes', mimeType: 'application/octet-stream', blob: read.blob },
      ]);

      const bad = await t.call('POST', '/resources', {
        uri: 'blob://bad',
        name: 'bad',
        content: 'not base64!',
        contentEncoding: 'base64',
      });
      expect(bad.statusCode).toBe(422);
      expect(bad.json().detail).toContain('content');
    });

    it('updates: new content emits resource_updated with the uri, a rename emits list_changed', async () => {
      const id = (await t.call('POST', '/resources', textResource('note://changing'))).json().id as string;
      events.length = 0;
      const updated = await t.call('PUT', `/resources/${id}`, { content: 'new words' });
      expect(updated.json()).toMatchObject({ size: 9, version: 2 });
      expect(events).toEqual([{ type: 'resource_updated', uri: 'note://changing' }]);
      expect((await t.call('GET', `/resources/${id}`)).json().text).toBe('new words');

      events.length = 0;
      const renamed = await t.call('PUT', `/resources/${id}`, { resource: { uri: 'note://changed' } });
      expect(renamed.json()).toMatchObject({ uri: 'note://changed', version: 3 });
      expect(events).toEqual([{ type: 'list_changed', kind: 'resources' }]);

      const clash = await t.call('PUT', `/resources/${id}`, { uri: 'note://today' });
      expect(clash.statusCode).toBe(409);
      expect(clash.json().detail).toContain('note://today');
      expect((await t.call('GET', `/resources/${id}/info`)).json().uri).toBe('note://changed');
    });

    it('toggles with /state and /toggle: a disabled resource is hidden and its content is not served', async () => {
      const id = (
        await t.call('POST', '/resources', textResource('note://toggled', { tags: ['Alpha', 'beta_1'] }))
      ).json().id as string;
      events.length = 0;
      expect((await t.call('POST', `/resources/${id}/state?activate=false`)).json().enabled).toBe(false);
      expect(events).toEqual([{ type: 'list_changed', kind: 'resources' }]);
      expect(uris(await t.call('GET', '/resources'))).not.toContain('note://toggled');
      expect(uris(await t.call('GET', '/resources?include_inactive=true'))).toContain('note://toggled');
      const hidden = await t.call('GET', `/resources/${id}`);
      expect(hidden.statusCode).toBe(404);
      expect(hidden.json().detail).toContain('disabled');
      await expect(t.registry.resources.readByUri('note://toggled')).rejects.toMatchObject({
        code: 'NotFound',
      });

      expect((await t.call('POST', `/resources/${id}/toggle?activate=true`)).json().enabled).toBe(true);
      expect(uris(await t.call('GET', '/resources?tags=alpha'))).toEqual(['note://toggled']);
      expect(uris(await t.call('GET', '/resources?tags=alpha,beta_1'))).toEqual(['note://toggled']);
      expect((await t.call('GET', '/resources?tags=beta1')).json()).toEqual([]);
    });

    it('pages with opaque cursors until every resource was seen once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/resources?include_pagination=true&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await t.call('GET', url)).json();
        expect(page.resources.length).toBeLessThanOrEqual(2);
        seen.push(...page.resources.map((x: { uri: string }) => x.uri));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual([...seen].sort());
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(uris(await t.call('GET', '/resources')));
      expect((await t.call('GET', '/resources?cursor=garbage!')).statusCode).toBe(400);
    });

    it('lists templates apart and reads a concrete uri through its template', async () => {
      const res = await t.call('POST', '/resources', {
        uri: 'logs://daily',
        name: 'Daily log',
        uri_template: 'logs://daily/{date}{?level}',
        content: 'log lines',
      });
      expect(res.statusCode).toBe(201);
      expect(res.json().uriTemplate).toBe('logs://daily/{date}{?level}');

      const templates = (await t.call('GET', '/resources/templates/list')).json();
      expect(templates.resourceTemplates).toEqual([
        { uriTemplate: 'logs://daily/{date}{?level}', name: 'Daily log', mimeType: 'text/plain' },
      ]);
      const listed = (await t.registry.resources.listResources()).map((r) => r.uri);
      expect(listed).not.toContain('logs://daily');
      expect(listed).toContain('note://today');

      const read = await t.registry.resources.readByUri('logs://daily/2026-01-02?level=warn');
      expect(read.contents).toEqual([
        { uri: 'logs://daily/2026-01-02?level=warn', mimeType: 'text/plain', text: 'log lines' },
      ]);
      await expect(t.registry.resources.readByUri('logs://daily/a/b')).rejects.toMatchObject({
        code: 'NotFound',
      });
      await expect(t.registry.resources.readByUri('logs://weekly/x')).rejects.toMatchObject({
        code: 'NotFound',
      });
    });

    it('scopes MCP lists and reads to the resources of a virtual server', async () => {
      const db = t.testStore.store.db;
      const now = new Date().toISOString();
      await db
        .insertInto('servers')
        .values({
          id: 'srv1',
          name: 'srv one',
          enabled: 1,
          tags: '[]',
          created_at: now,
          updated_at: now,
          created_by: null,
          modified_by: null,
          description: null,
          icon: null,
        })
        .execute();
      const readme = await t.registry.resources.routeByUri('file:///docs/readme.md');
      await db
        .insertInto('server_resource_association')
        .values({ server_id: 'srv1', resource_id: readme!.id })
        .execute();

      expect((await t.registry.resources.listResources('srv1')).map((r) => r.uri)).toEqual([
        'file:///docs/readme.md',
      ]);
      expect((await t.registry.resources.readByUri('file:///docs/readme.md', 'srv1')).contents).toHaveLength(
        1,
      );
      await expect(t.registry.resources.readByUri('note://today', 'srv1')).rejects.toMatchObject({
        code: 'NotFound',
      });
      expect(await t.registry.resources.listTemplates('srv1')).toEqual([]);
    });

    it('rejects bad input with 422 and a detail naming the field, storing nothing', async () => {
      const before = uris(await t.call('GET', '/resources?include_inactive=true'));
      const cases: Array<[unknown, string]> = [
        [textResource('no-scheme/path'), 'uri'],
        [textResource('file:///with space.txt'), 'uri'],
        [textResource('file:///" onclick="x'), 'uri'],
        [textResource(`file:///${'a'.repeat(2048)}`), 'uri'],
        [{ name: 'no uri', content: 'x' }, 'uri'],
        [textResource('file:///ok.txt', { name: 'n'.repeat(256) }), 'name'],
        [textResource('file:///ok.txt', { name: undefined }), 'name'],
        [textResource('file:///ok.txt', { description: 'd'.repeat(8193) }), 'description'],
        [textResource('file:///ok.txt', { mime_type: 'not a type' }), 'mime_type'],
        [textResource('file:///ok.txt', { uri_template: 'file:///{unclosed' }), 'uri_template'],
        [textResource('file:///ok.txt', { uri_template: 'file:///{bad name}' }), 'uri_template'],
        [textResource('file:///ok.txt', { uriTemplate: 'file:///{=reserved}' }), 'uri_template'],
        [textResource('file:///ok.txt', { content_encoding: 'hex' }), 'content_encoding'],
        [textResource('file:///ok.txt', { tags: ['bad tag!'] }), 'tags'],
      ];
      for (const [body, mention] of cases) {
        const res = await t.call('POST', '/resources', body);
        expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(422);
        expect(res.json().detail).toContain(mention);
      }
      expect(uris(await t.call('GET', '/resources?include_inactive=true'))).toEqual(before);
    });

    it('rejects a body over the size limit with 413', async () => {
      const res = await t.call(
        'POST',
        '/resources',
        textResource('file:///big.txt', { content: 'x'.repeat(1_100_000) }),
      );
      expect(res.statusCode).toBe(413);
      expect(
        (await t.call('GET', '/resources')).json().some((r: { uri: string }) => r.uri === 'file:///big.txt'),
      ).toBe(false);
    });

    it('deletes, then answers 404', async () => {
      const id = (await t.call('POST', '/resources', textResource('note://doomed'))).json().id as string;
      events.length = 0;
      const res = await t.call('DELETE', `/resources/${id}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().status).toBe('success');
      expect(events).toEqual([{ type: 'list_changed', kind: 'resources' }]);
      expect((await t.call('GET', `/resources/${id}/info`)).statusCode).toBe(404);
      expect((await t.call('DELETE', `/resources/${id}`)).statusCode).toBe(404);
    });

    it('needs an admin token to write, any valid token to read', async () => {
      const id = (await t.call('GET', '/resources')).json()[0].id as string;
      expect((await t.call('GET', '/resources', undefined, t.userToken)).statusCode).toBe(200);
      expect((await t.call('GET', `/resources/${id}`, undefined, t.userToken)).statusCode).toBe(200);
      expect((await t.call('GET', `/resources/${id}/info`, undefined, t.userToken)).statusCode).toBe(200);
      for (const [method, url, body] of [
        ['POST', '/resources', textResource('note://by-user')],
        ['PUT', `/resources/${id}`, { description: 'by user' }],
        ['DELETE', `/resources/${id}`, undefined],
        ['POST', `/resources/${id}/state?activate=false`, undefined],
      ] as const) {
        const denied = await t.call(method, url, body, t.userToken);
        expect(denied.statusCode, `${method} ${url}`).toBe(403);
        expect(denied.json().detail).toContain('admin');
      }
      expect((await t.call('GET', '/resources', undefined, null)).statusCode).toBe(401);
      expect((await t.call('GET', `/resources/${id}/info`)).json()).toMatchObject({
        enabled: true,
        version: 1,
      });
    });
  });
}
