import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { backends } from '../../../helpers/backends.js';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.js';

/** A TCP relay to the test Redis that can be cut and restored on the same port, as a Redis restart looks. */
class RedisRelay {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: URL) {}

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection(Number(this.target.port), this.target.hostname);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async down(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

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

for (const backend of backends()) {
  describe.skipIf(!inject('redisUrl'))(`ready with CACHE_TYPE=redis (${backend.name})`, () => {
    let t: TestApp;
    let relay: RedisRelay;
    beforeAll(async () => {
      relay = new RedisRelay(new URL(inject('redisUrl')));
      await relay.up();
      t = await buildTestApp(backend, {
        CACHE_TYPE: 'redis',
        REDIS_URL: `redis://127.0.0.1:${relay.port}/0`,
      });
    });
    afterAll(async () => {
      await t.close();
      await relay.down();
    });

    it('answers 503 naming REDIS_URL while Redis is down, and 200 once it is back', async () => {
      const ready = () => t.call('GET', '/ready', undefined, null);
      await vi.waitFor(async () => expect((await ready()).statusCode).toBe(200), { timeout: 5000 });
      await relay.down();
      const down = await ready();
      expect(down.statusCode).toBe(503);
      expect(down.json().detail).toContain(`REDIS_URL=redis://127.0.0.1:${relay.port}/0`);
      expect((await t.call('GET', '/health', undefined, null)).statusCode).toBe(200);
      await relay.up();
      await vi.waitFor(async () => expect((await ready()).statusCode).toBe(200), {
        timeout: 10_000,
        interval: 200,
      });
    }, 30_000);
  });
}
