import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../../../src/auth/principal.js';
import { MemoryBroker, MemoryEventBus } from '../../../src/cache/memory-event-bus.js';
import { MemorySessionStore } from '../../../src/cache/memory-session-store.js';
import type { McpCatalog } from '../../../src/mcp/catalog.js';
import type { SessionChannel } from '../../../src/mcp/live-session.js';
import { SessionHub } from '../../../src/mcp/session-hub.js';

const alice: Principal = { subject: 'alice@example.com', isAdmin: false, via: 'jwt' };
const channel = (): SessionChannel => ({ deliver: () => undefined, close: () => undefined });
const catalog = {
  describeScope: () => Promise.resolve({}),
  subscribe: () => () => undefined,
} as unknown as McpCatalog;

describe('SessionHub', () => {
  const hubs: SessionHub[] = [];
  afterEach(async () => {
    for (const hub of hubs.splice(0)) await hub.close();
  });

  function hubOver(store: MemorySessionStore, touchIntervalMs: number, broker = new MemoryBroker()) {
    const hub = new SessionHub({
      store,
      catalog,
      bus: new MemoryEventBus({ broker }),
      logger: { warn: () => undefined, error: () => undefined },
      maxSessionsPerPrincipal: 10,
      sweepIntervalMs: 60_000,
      touchIntervalMs,
    });
    hubs.push(hub);
    return hub;
  }

  it("writes a session's last use at most once per touch interval, however many requests it serves", async () => {
    const store = new MemorySessionStore({ ttlSeconds: 3600 });
    let touches = 0;
    const touch = store.touch.bind(store);
    store.touch = (id) => ((touches += 1), touch(id));
    const hub = hubOver(store, 100);
    const session = await hub.open(alice, {}, 'streamable-http', () => channel());
    for (let i = 0; i < 20; i++) await hub.resolve(session.sessionId, alice, {});
    expect(touches).toBe(0); // opened just now: nothing to refresh yet
    await new Promise((resolve) => setTimeout(resolve, 120));
    for (let i = 0; i < 20; i++) await hub.resolve(session.sessionId, alice, {});
    expect(touches).toBe(1);
  });

  it('serves the state the store holds now: a level set through another instance is seen on the next request', async () => {
    const store = new MemorySessionStore({ ttlSeconds: 3600 });
    const here = hubOver(store, 100);
    const session = await here.open(alice, {}, 'streamable-http', () => channel());
    expect((await session.state()).logLevel).toBeNull();
    await store.update(session.sessionId, { logLevel: 'error' }); // what another instance's setLevel writes
    const again = await here.resolve(session.sessionId, alice, {});
    expect(again).toBe(session);
    expect((await again.state()).logLevel).toBe('error');
    await store.delete(session.sessionId);
    await expect(here.resolve(session.sessionId, alice, {})).rejects.toThrow('Session not found');
  });

  it('ends the streams another instance holds for a session terminated here', async () => {
    const store = new MemorySessionStore({ ttlSeconds: 3600 });
    const broker = new MemoryBroker();
    const there = hubOver(store, 100, broker);
    const here = hubOver(store, 100, broker);
    let closed = 0;
    const session = await there.open(alice, {}, 'sse', () => ({
      deliver: () => undefined,
      close: () => void (closed += 1),
    }));
    await here.terminate(session.sessionId, 'Deleted by its client');
    await vi.waitFor(() => expect(closed).toBe(1));
    expect(there.liveCount).toBe(0);
    await expect(there.resolve(session.sessionId, alice, {})).rejects.toThrow('Session not found');
  });
});
