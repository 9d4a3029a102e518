// The SessionStore contract, looped over every backend (memory now; redis and database join this list).
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../../src/cache/memory-session-store.js';
import type { SessionStore } from '../../../src/cache/session-store.js';

interface Clock {
  now: number;
}

const backends: { name: string; open(ttlSeconds: number, clock: Clock): SessionStore }[] = [
  {
    name: 'memory',
    open: (ttlSeconds, clock) => new MemorySessionStore({ ttlSeconds, now: () => clock.now }),
  },
];

describe.each(backends)('SessionStore ($name)', (backend) => {
  const clock: Clock = { now: 1_700_000_000_000 };
  let store: SessionStore;
  const open = (ttlSeconds = 60): SessionStore => (store = backend.open(ttlSeconds, clock));

  afterEach(async () => {
    await store.close();
  });

  it('creates sessions with distinct unguessable ids and returns them', async () => {
    open();
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
    open();
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
    open();
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
    open();
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
    open(60);
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
    open();
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
    open();
    const s = await store.create({ subject: 'alice', serverId: null, transport: 'sse' });
    expect(await store.delete(s.id)).toBe(true);
    expect(await store.get(s.id)).toBeUndefined();
    expect(await store.delete(s.id)).toBe(false);
    expect(await store.listByPrincipal('alice')).toEqual([]);
  });

  it('hands out records callers cannot change behind the store’s back', async () => {
    open();
    const s = await store.create({ subject: 'alice', serverId: null, transport: 'sse' });
    try {
      (s as { subject: string }).subject = 'mallory';
    } catch {
      // frozen records throw in strict mode; copies do not: either way the store must not change
    }
    expect((await store.get(s.id))?.subject).toBe('alice');
  });
});
