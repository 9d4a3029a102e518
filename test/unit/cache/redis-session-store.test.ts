// RedisSessionStore beyond the contract: its keys and their TTL, what close() does, and a Redis that is down.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisSessionStore } from '../../../src/cache/redis-session-store.js';

const redisUrl = inject('redisUrl');

describe.skipIf(redisUrl === '')('RedisSessionStore', () => {
  let admin: Redis;
  beforeAll(() => {
    admin = new Redis(redisUrl);
  });
  afterAll(async () => {
    await admin.quit();
  });

  it('keeps a session under mcpgw:session: for SESSION_TTL, and a touch restores the full TTL', async () => {
    const store = new RedisSessionStore({ url: redisUrl, ttlSeconds: 120 });
    // The default prefix is shared with other suites: a subject of our own keeps this test apart.
    const subject = `redis-test-${randomUUID()}`;
    const s = await store.create({ subject, serverId: null, transport: 'streamable-http' });
    try {
      const recordKey = `mcpgw:session:id:${s.id}`;
      const subjectKey = `mcpgw:session:by-subject:${subject}`;
      for (const key of [recordKey, subjectKey]) {
        const ttl = await admin.pttl(key);
        expect(ttl).toBeGreaterThan(100_000);
        expect(ttl).toBeLessThanOrEqual(120_000);
      }
      expect(await admin.zrange(subjectKey, '0', '-1')).toEqual([s.id]);
      await admin.pexpire(recordKey, 5000);
      await admin.pexpire(subjectKey, 5000);
      expect(await store.touch(s.id)).toBe(true);
      expect(await admin.pttl(recordKey)).toBeGreaterThan(100_000);
      expect(await admin.pttl(subjectKey)).toBeGreaterThan(100_000);
    } finally {
      await store.delete(s.id);
      await store.close();
    }
  });

  it('forgets a session once Redis has expired its key', async () => {
    const keyPrefix = `mcpgw:test:${randomUUID()}:session:`;
    const store = new RedisSessionStore({ url: redisUrl, ttlSeconds: 60, keyPrefix });
    const s = await store.create({ subject: 'alice', serverId: null, transport: 'ws' });
    await admin.del(`${keyPrefix}id:${s.id}`);
    expect(await store.get(s.id)).toBeUndefined();
    expect(await store.touch(s.id)).toBe(false);
    expect(await store.listByPrincipal('alice')).toEqual([]);
    // The subject's set drops the dangling member instead of carrying it until its own TTL.
    expect(await admin.zcard(`${keyPrefix}by-subject:alice`)).toBe(0);
    await store.close();
  });

  it('closes its connection on close(): later calls fail as unavailable', async () => {
    const store = new RedisSessionStore({
      url: redisUrl,
      ttlSeconds: 60,
      keyPrefix: `mcpgw:test:${randomUUID()}:session:`,
    });
    const s = await store.create({ subject: 'alice', serverId: null, transport: 'ws' });
    await store.close();
    await expect(store.get(s.id)).rejects.toMatchObject({ code: 'Unavailable' });
    await store.close();
  });
});

describe('RedisSessionStore without a reachable Redis', () => {
  it('fails calls as unavailable (503), naming Redis, and still closes', async () => {
    // Port 1 on localhost: nothing listens, so the connection is refused at once.
    const store = new RedisSessionStore({ url: 'redis://127.0.0.1:1/0', ttlSeconds: 60 });
    await expect(store.create({ subject: 'alice', serverId: null, transport: 'ws' })).rejects.toMatchObject({
      code: 'Unavailable',
      message: expect.stringContaining('Redis') as unknown,
    });
    await store.close();
  });
});
