import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../helpers/backends.js';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.js';

for (const backend of backends()) {
  describe(`health, ready and version (${backend.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildTestApp(backend);
    });
    afterAll(async () => t.close());

    it('reports healthy and ready without a token after a database round trip', async () => {
      expect((await t.call('GET', '/health', undefined, null)).json()).toEqual({ status: 'healthy' });
      expect((await t.call('GET', '/ready', undefined, null)).statusCode).toBe(200);
    });

    it('needs a token for /version and names the database dialect', async () => {
      expect((await t.call('GET', '/version', undefined, null)).statusCode).toBe(401);
      const version = (await t.call('GET', '/version')).json();
      expect(version.database.dialect).toBe(backend.name);
    });

    it('answers /v1/health, /v1/ready and /v1/version like the unversioned paths (ContextForge clients use /v1)', async () => {
      expect((await t.call('GET', '/v1/health', undefined, null)).json()).toEqual({ status: 'healthy' });
      expect((await t.call('GET', '/v1/ready', undefined, null)).json()).toEqual({ status: 'ready' });
      expect((await t.call('GET', '/v1/version', undefined, null)).statusCode).toBe(401);
      const version = (await t.call('GET', '/v1/version')).json();
      expect(version.app.name).toBe('mcpgateway');
      expect(version.database.dialect).toBe(backend.name);
    });

    it('answers 503 when the database is unreachable', async () => {
      await t.testStore.store.close();
      const ready = await t.call('GET', '/ready', undefined, null);
      expect(ready.statusCode).toBe(503);
      expect(ready.json().detail).toMatch(/Database unreachable/);
      expect((await t.call('GET', '/health', undefined, null)).statusCode).toBe(503);
      expect((await t.call('GET', '/v1/ready', undefined, null)).statusCode).toBe(503);
    });
  });
}
