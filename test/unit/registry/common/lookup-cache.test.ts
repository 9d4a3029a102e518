import { describe, expect, it, vi } from 'vitest';
import { ANONYMOUS_ADMIN } from '../../../../src/auth/principal.js';
import { MemoryBroker, MemoryEventBus } from '../../../../src/cache/memory-event-bus.js';
import { testConfig } from '../../../../src/config/load.js';
import { LookupCache } from '../../../../src/registry/common/lookup-cache.js';
import { RegistryEvents } from '../../../../src/registry/common/events.js';
import { createServices } from '../../../../src/services.js';
import { backends } from '../../../helpers/backends.js';

function cacheWithClock(ttlMs: number, maxEntries?: number, broker = new MemoryBroker()) {
  const events = new RegistryEvents(new MemoryEventBus({ broker }));
  let now = 0;
  const cache = new LookupCache({
    events,
    ttlMs,
    now: () => now,
    ...(maxEntries === undefined ? {} : { maxEntries }),
  });
  let loads = 0;
  const load = (value: string) => () => {
    loads += 1;
    return Promise.resolve(value);
  };
  return { events, cache, load, loads: () => loads, advance: (ms: number) => (now += ms) };
}

describe('LookupCache', () => {
  it('answers from memory until the TTL passes, then reads again', async () => {
    const c = cacheWithClock(1000);
    expect(await c.cache.get('k', c.load('a'))).toBe('a');
    c.advance(999);
    expect(await c.cache.get('k', c.load('b'))).toBe('a');
    c.advance(1);
    expect(await c.cache.get('k', c.load('c'))).toBe('c');
    expect(c.loads()).toBe(2);
  });

  it('drops everything on a registry change made here (an event, or a silent touch)', async () => {
    const c = cacheWithClock(60_000);
    await c.cache.get('k', c.load('a'));
    c.events.emit({ type: 'list_changed', kind: 'tools' });
    expect(await c.cache.get('k', c.load('b'))).toBe('b');
    c.events.touched();
    expect(await c.cache.get('k', c.load('c'))).toBe('c');
  });

  it("drops everything when another instance's change arrives over the bus, without waiting for the TTL", async () => {
    const broker = new MemoryBroker();
    const here = cacheWithClock(60_000, undefined, broker);
    const there = new RegistryEvents(new MemoryEventBus({ broker }));
    const heard: string[] = [];
    here.events.subscribe((e) => heard.push(e.type));
    await here.cache.get('k', here.load('a'));
    there.emit({ type: 'list_changed', kind: 'tools' });
    await vi.waitFor(() => expect(heard).toEqual(['list_changed']));
    expect(await here.cache.get('k', here.load('b'))).toBe('b');
    there.touched();
    await vi.waitFor(async () => expect(await here.cache.get('k', here.load('c'))).toBe('c'));
    expect(heard).toEqual(['list_changed']);
  });

  it('shares one load between concurrent callers, and does not keep a failed one', async () => {
    const c = cacheWithClock(60_000);
    const [x, y] = await Promise.all([c.cache.get('k', c.load('a')), c.cache.get('k', c.load('b'))]);
    expect([x, y, c.loads()]).toEqual(['a', 'a', 1]);
    await expect(c.cache.get('bad', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await c.cache.get('bad', c.load('fine'))).toBe('fine');
  });

  it('keeps at most maxEntries, evicting the oldest; TTL 0 never caches', async () => {
    const c = cacheWithClock(60_000, 2);
    await c.cache.get('a', c.load('1'));
    await c.cache.get('b', c.load('2'));
    await c.cache.get('c', c.load('3'));
    expect(await c.cache.get('a', c.load('again'))).toBe('again');
    expect(await c.cache.get('c', c.load('x'))).toBe('3');
    const off = cacheWithClock(0);
    await off.cache.get('k', off.load('a'));
    expect(await off.cache.get('k', off.load('b'))).toBe('b');
  });
});

describe.each(backends())('REGISTRY_CACHE_TTL with two instances on one database ($name)', (backend) => {
  it('a tool disabled on one instance stops at once there and within the TTL on the other', async () => {
    const db = await backend.open();
    const store = db.store;
    const config = testConfig({ REGISTRY_CACHE_TTL: '0.3', SSRF_ALLOW_LOCALHOST: 'true' });
    const a = createServices(config, store);
    const b = createServices(config, store);
    try {
      const tool = await a.registry.tools.create(
        { name: 'echo', url: 'http://127.0.0.1:9/echo', auth: null },
        ANONYMOUS_ADMIN,
      );
      expect((await b.registry.tools.callable('echo')).id).toBe(tool.id);
      await a.registry.tools.setEnabled(tool.id, false, ANONYMOUS_ADMIN);
      await expect(a.registry.tools.callable('echo')).rejects.toThrow('Unknown tool: echo');
      // The other instance heard nothing: it may serve its cached record until the TTL runs out, not longer.
      expect((await b.registry.tools.callable('echo')).id).toBe(tool.id);
      await new Promise((resolve) => setTimeout(resolve, 350));
      await expect(b.registry.tools.callable('echo')).rejects.toThrow('Unknown tool: echo');
    } finally {
      await a.close();
      await b.close();
      await db.dispose();
    }
  });
});
