import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../helpers/backends.js';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.js';

for (const backend of backends()) {
  describe(`roots routes (${backend.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildTestApp(backend);
    });
    afterAll(async () => t.close());

    it('adds file:// and other absolute URIs and lists them by uri', async () => {
      const file = await t.call('POST', '/roots', { uri: 'file:///srv/data', name: 'Data' });
      expect(file.statusCode).toBe(201);
      expect(file.json()).toEqual({ uri: 'file:///srv/data', name: 'Data' });
      expect((await t.call('POST', '/v1/roots', { uri: 's3://bucket/prefix' })).statusCode).toBe(201);
      expect((await t.call('GET', '/roots', undefined, t.userToken)).json()).toEqual([
        { uri: 'file:///srv/data', name: 'Data' },
        { uri: 's3://bucket/prefix', name: null },
      ]);
    });

    it('answers 409 on a duplicate uri and 422 on a relative or missing one', async () => {
      const dup = await t.call('POST', '/roots', { uri: 'file:///srv/data', name: 'Again' });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().detail).toContain('file:///srv/data');
      for (const body of [{ uri: '/srv/relative' }, { uri: 'not a uri' }, { name: 'no uri' }, { uri: '' }]) {
        const res = await t.call('POST', '/roots', body);
        expect(res.statusCode, JSON.stringify(body)).toBe(422);
        expect(res.json().detail).toContain('uri');
      }
      expect((await t.call('GET', '/roots')).json()).toHaveLength(2);
    });

    it('deletes by URL-encoded or raw uri, 404 when absent', async () => {
      const encoded = await t.call('DELETE', `/roots/${encodeURIComponent('file:///srv/data')}`);
      expect(encoded.statusCode).toBe(200);
      expect(encoded.json().status).toBe('success');
      expect((await t.call('DELETE', '/roots/s3://bucket/prefix')).statusCode).toBe(200);
      expect((await t.call('GET', '/roots')).json()).toEqual([]);
      expect((await t.call('DELETE', `/roots/${encodeURIComponent('file:///srv/data')}`)).statusCode).toBe(
        404,
      );
    });

    it('needs an admin token to write, any valid token to read', async () => {
      expect((await t.call('GET', '/roots', undefined, t.userToken)).statusCode).toBe(200);
      expect((await t.call('POST', '/roots', { uri: 'file:///x' }, t.userToken)).statusCode).toBe(403);
      expect((await t.call('DELETE', '/roots/file%3A%2F%2F%2Fx', undefined, t.userToken)).statusCode).toBe(
        403,
      );
      expect((await t.call('GET', '/roots', undefined, null)).statusCode).toBe(401);
    });
  });
}
