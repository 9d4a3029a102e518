// The SessionStore contract, looped over every backend: memory, database on SQLite and PostgreSQL, and Redis.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { DatabaseSessionStore } from '../../../src/cache/database-session-store.js';
import { MemorySessionStore } from '../../../src/cache/memory-session-store.js';
import { RedisSessionStore } from '../../../src/cache/redis-session-store.js';
import type { SessionStore } from '../../../src/cache/session-store.js';
import { backends as sqlBackends, type TestStore } from '../../helpers/backends.js';

interface Clock {
  now: number;
}

/** One backend's data for a suite: open() starts empty, peer() is another instance on the same data. */
interface Harness {
  open(ttlSeconds: number, clock: Clock): Promise<SessionStore>;
  /** Undefined for backends that live in one process. */
  peer?(ttlSeconds: number, clock: Clock): SessionStore;
  dispose(): Promise<void>;
}

interface Backend {
  name: string;
  /** Why the suite is skipped, or undefined when it runs. */
  skip?: string;
  setup(): Promise<Harness>;
}

const memory: Backend = {
  name: 'memory',
  setup: () =>
    Promise.resolve({
      open: (ttlSeconds, clock) =>
        Promise.resolve(new MemorySessionStore({ ttlSeconds, now: () => clock.now })),
      dispose: () => Promise.resolve(),
    }),
};

const database = (sql: ReturnType<typeof sqlBackends>[number]): Backend => ({
  name: `database on ${sql.name}`,
  async setup() {
    const t: TestStore = await sql.open();
    const make = (ttlSeconds: number, clock: Clock): SessionStore =>
      new DatabaseSessionStore({ store: t.store, ttlSeconds, now: () => clock.now });
    return {
      async open(ttlSeconds, clock) {
        await t.store.db.deleteFrom('mcp_sessions').execute();
        return make(ttlSeconds, clock);
      },
      peer: make,
      dispose: () => t.dispose(),
    };
  },
});

const redisUrl = inject('redisUrl');
const redis: Backend = {
  name: 'redis',
  skip: redisUrl === '' ? 'no Redis reachable (global setup fails instead in CI)' : undefined,
  setup() {
    // A prefix per suite, and one per open() below it, so parallel suites and earlier tests never meet.
    const suitePrefix = `mcpgw:test:${randomBytes(6).toString('hex')}:`;
    let opened = 0;
    let prefix = '';
    const make = (ttlSeconds: number, clock: Clock): SessionStore =>
      new RedisSessionStore({ url: redisUrl, ttlSeconds, keyPrefix: prefix, now: () => clock.now });
    return Promise.resolve({
      open(ttlSeconds, clock) {
        prefix = `${suitePrefix}${++opened}:session:`;
        return Promise.resolve(make(ttlSeconds, clock));
      },
      peer: make,
      async dispose() {
        const admin = new Redis(redisUrl);
        try {
          const keys = await admin.keys(`${suitePrefix}*`);
          if (keys.length > 0) await admin.del(...keys);
        } finally {
          await admin.quit();
        }
      },
    });
  },
};

const backends: Backend[] = [memory, ...sqlBackends().map(database), redis];

describe.each(backends)('SessionStore ($name)', (backend) => {
  const clock: Clock = { now: 1_700_000_000_000 };
  let harness: Harness;
  const stores: SessionStore[] = [];
  let store: SessionStore;
  const open = async (ttlSeconds = 60): Promise<SessionStore> => {
    store = await harness.open(ttlSeconds, clock);
    stores.push(store);
    return store;
  };
  /** Another instance over the same data (same TTL and clock). */
  const peer = (ttlSeconds = 60): SessionStore => {
    const other = harness.peer!(ttlSeconds, clock);
    stores.push(other);
    return other;
  };

  if (backend.skip !== undefined) {
    it.skip(`skipped: ${backend.skip}`, () => undefined);
    return;
  }

  beforeAll(async () => {
    harness = await backend.setup();
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    await harness.dispose();
  });

  it('creates sessions with distinct unguessable ids and returns them', async () => {
    await open();
    const a = await store.create({ subject: 'alice', serverId: null, transport: 'streamable-http' });
    const b = await store.create({ subject: 'alice', serverId: 's1', transport: 'sse' });
    expect(a.id).not.toBe(b.id);
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await store.get(b.id)).toMatchObject({
      subject: 'alice',
      serverId: 's1',
      transport: 'sse',
      protocolVersion: null,
      subscriptions: [],
    });
  });

  it('treats __proto__ and constructor as ordinary unknown ids', async () => {
    await open();
    for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(await store.get(id)).toBeUndefined();
      expect(await store.touch(id)).toBe(false);
      expect(await store.update(id, { logLevel: 'debug' })).toBeUndefined();
      expect(await store.delete(id)).toBe(false);
    }
    const real = await store.create({ subject: '__proto__', serverId: null, transport: 'ws' });
    expect(await store.listByPrincipal('__proto__')).toHaveLength(1);
    expect(await store.get(real.id)).toBeDefined();
  });

  it('records what initialize and logging/setLevel negotiated', async () => {
    await open();
    const s = await store.create({ subject: 'alice', serverId: null, transport: 'streamable-http' });
    await store.update(s.id, {
      protocolVersion: '2025-06-18',
      clientInfo: { name: 'client', version: '1.0.0' },
      clientCapabilities: { sampling: {} },
    });
    await store.update(s.id, { logLevel: 'warning' });
    expect(await store.get(s.id)).toMatchObject({
      protocolVersion: '2025-06-18',
      clientInfo: { name: 'client', version: '1.0.0' },
      clientCapabilities: { sampling: {} },
      logLevel: 'warning',
    });
  });

  it('adds and removes resource subscriptions without duplicates', async () => {
    await open();
    const s = await store.create({ subject: 'alice', serverId: null, transport: 'ws' });
    expect(await store.addSubscription(s.id, 'file:///a')).toBe(true);
    await store.addSubscription(s.id, 'file:///a');
    await store.addSubscription(s.id, 'file:///b');
    expect((await store.get(s.id))?.subscriptions).toEqual(['file:///a', 'file:///b']);
    await store.removeSubscription(s.id, 'file:///a');
    expect((await store.get(s.id))?.subscriptions).toEqual(['file:///b']);
    expect(await store.addSubscription('missing', 'file:///a')).toBe(false);
  });

  it('expires a session left idle for the TTL, and touch keeps it alive', async () => {
    await open(60);
    const idle = await store.create({ subject: 'alice', serverId: null, transport: 'streamable-http' });
    const busy = await store.create({ subject: 'alice', serverId: null, transport: 'streamable-http' });
    clock.now += 40_000;
    expect(await store.touch(busy.id)).toBe(true);
    clock.now += 30_000;
    expect(await store.get(idle.id)).toBeUndefined();
    expect(await store.get(busy.id)).toBeDefined();
    expect((await store.listByPrincipal('alice')).map((s) => s.id)).toEqual([busy.id]);
    clock.now += 60_000;
    expect(await store.get(busy.id)).toBeUndefined();
  });

  it('lists a principal’s sessions least recently used first, and only theirs', async () => {
    await open();
    const first = await store.create({ subject: 'alice', serverId: null, transport: 'streamable-http' });
    clock.now += 1000;
    const second = await store.create({ subject: 'alice', serverId: null, transport: 'streamable-http' });
    await store.create({ subject: 'bob', serverId: null, transport: 'streamable-http' });
    clock.now += 1000;
    await store.touch(first.id);
    expect((await store.listByPrincipal('alice')).map((s) => s.id)).toEqual([second.id, first.id]);
    expect(await store.listByPrincipal('carol')).toEqual([]);
  });

  it('deletes a session so it is unknown afterwards', async () => {
    await open();
    const s = await store.create({ subject: 'alice', serverId: null, transport: 'sse' });
    expect(await store.delete(s.id)).toBe(true);
    expect(await store.get(s.id)).toBeUndefined();
    expect(await store.delete(s.id)).toBe(false);
    expect(await store.listByPrincipal('alice')).toEqual([]);
  });

  it('hands out records callers cannot change behind the store’s back', async () => {
    await open();
    const s = await store.create({ subject: 'alice', serverId: null, transport: 'sse' });
    try {
      (s as { subject: string }).subject = 'mallory';
    } catch {
      // frozen records throw in strict mode; copies do not: either way the store must not change
    }
    expect((await store.get(s.id))?.subject).toBe('alice');
  });

  // Backends other instances can reach: what one writes, another reads, and concurrent writes all land.
  if (backend.name !== 'memory') {
    it('shares sessions between instances: another one reads, changes and deletes them', async () => {
      await open();
      const other = peer();
      const s = await store.create({ subject: 'alice', serverId: 's1', transport: 'streamable-http' });
      expect(await other.get(s.id)).toMatchObject({ subject: 'alice', serverId: 's1' });
      await other.update(s.id, { protocolVersion: '2025-06-18' });
      expect((await store.get(s.id))?.protocolVersion).toBe('2025-06-18');
      expect((await other.listByPrincipal('alice')).map((r) => r.id)).toEqual([s.id]);
      expect(await other.delete(s.id)).toBe(true);
      expect(await store.get(s.id)).toBeUndefined();
    });

    it('keeps every change when instances write the same session at the same time', async () => {
      await open();
      const others = [peer(), peer(), peer()];
      const s = await store.create({ subject: 'alice', serverId: null, transport: 'sse' });
      const uris = Array.from({ length: 12 }, (_, i) => `file:///doc-${i}`);
      uris.push('file:///ü/é \\ "quoted"', '__proto__', '');
      await Promise.all([
        ...uris.map((uri, i) => others[i % others.length]!.addSubscription(s.id, uri)),
        others[0]!.update(s.id, { logLevel: 'error', clientCapabilities: { roots: { listChanged: true } } }),
        others[1]!.touch(s.id),
      ]);
      const record = await store.get(s.id);
      expect([...(record?.subscriptions ?? [])].sort()).toEqual([...uris].sort());
      expect(record).toMatchObject({
        logLevel: 'error',
        clientCapabilities: { roots: { listChanged: true } },
      });
      await Promise.all(uris.map((uri, i) => others[i % others.length]!.removeSubscription(s.id, uri)));
      expect((await store.get(s.id))?.subscriptions).toEqual([]);
    });
  }

  it('lists every live session oldest first, leaving expired ones out', async () => {
    await open(60);
    const old = await store.create({ subject: 'alice', serverId: null, transport: 'sse' });
    clock.now += 50_000;
    const a = await store.create({ subject: 'alice', serverId: 's1', transport: 'streamable-http' });
    clock.now += 1_000;
    const b = await store.create({ subject: 'bob', serverId: null, transport: 'ws' });
    expect((await store.list()).map((r) => r.id)).toEqual([old.id, a.id, b.id]);
    clock.now += 10_000;
    // `old` is now 61 s idle: expired, so neither listed nor purged.
    const listed = await store.list();
    expect(listed.map((r) => [r.id, r.subject, r.serverId, r.transport])).toEqual([
      [a.id, 'alice', 's1', 'streamable-http'],
      [b.id, 'bob', null, 'ws'],
    ]);
  });

  it('purges sessions last used at or before a time, or all of them, and counts them', async () => {
    await open(60);
    const idle = await store.create({ subject: 'alice', serverId: null, transport: 'sse' });
    clock.now += 20_000;
    const busy = await store.create({ subject: 'alice', serverId: null, transport: 'sse' });
    const other = await store.create({ subject: 'bob', serverId: null, transport: 'ws' });
    expect(await store.purge({ lastUsedBefore: clock.now - 10_000 })).toBe(1);
    expect(await store.get(idle.id)).toBeUndefined();
    expect((await store.listByPrincipal('alice')).map((r) => r.id)).toEqual([busy.id]);
    expect(await store.purge()).toBe(2);
    expect(await store.get(other.id)).toBeUndefined();
    expect(await store.list()).toEqual([]);
    expect(await store.purge()).toBe(0);
  });

  it('reaps expired records, leaving live ones', async () => {
    await open(60);
    await store.create({ subject: 'alice', serverId: null, transport: 'ws' });
    clock.now += 30_000;
    const live = await store.create({ subject: 'alice', serverId: null, transport: 'ws' });
    clock.now += 31_000;
    const reaped = await store.reapExpired();
    // Redis expires keys by itself (on its own clock, so here nothing is due yet): it never has any to reap.
    expect(reaped).toBe(backend.name === 'redis' ? 0 : 1);
    expect((await store.list()).map((r) => r.id)).toEqual([live.id]);
    expect(await store.reapExpired()).toBe(0);
  });

  it('never revives an expired session: touch, update and subscribe see it as unknown', async () => {
    await open(60);
    const s = await store.create({ subject: 'alice', serverId: null, transport: 'ws' });
    clock.now += 60_000;
    expect(await store.touch(s.id)).toBe(false);
    expect(await store.update(s.id, { logLevel: 'info' })).toBeUndefined();
    expect(await store.addSubscription(s.id, 'file:///a')).toBe(false);
    expect(await store.removeSubscription(s.id, 'file:///a')).toBe(false);
    expect(await store.delete(s.id)).toBe(false);
    expect(await store.get(s.id)).toBeUndefined();
    expect(await store.listByPrincipal('alice')).toEqual([]);
  });
});
