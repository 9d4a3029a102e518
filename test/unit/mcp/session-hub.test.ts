import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../../../src/auth/principal.js';
import { MemoryBroker, MemoryEventBus } from '../../../src/cache/memory-event-bus.js';
import { MemorySessionStore } from '../../../src/cache/memory-session-store.js';
import type { CatalogEvent, McpCatalog } from '../../../src/mcp/catalog.js';
import type { SessionChannel } from '../../../src/mcp/live-session.js';
import type { JSONRPCMessage } from '../../../src/mcp/protocol/json-rpc.js';
import { SessionHub } from '../../../src/mcp/session-hub.js';

const alice: Principal = { subject: 'alice@example.com', isAdmin: false, via: 'jwt' };
const channel = (): SessionChannel => ({ deliver: () => undefined, close: () => undefined });
/** Every hub's catalog listener: a catalog event reaches every instance, as the bus carries it. */
const catalogListeners = new Set<(event: CatalogEvent) => void>();
const catalog = {
  describeScope: () => Promise.resolve({}),
  subscribe: (listener: (event: CatalogEvent) => void) => {
    catalogListeners.add(listener);
    return () => catalogListeners.delete(listener);
  },
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

  describe('a session whose stream another instance holds', () => {
    /** `there` holds the stream; `here` and `third` serve POSTs for it, as a load balancer spreads them. */
    async function threeInstances() {
      const store = new MemorySessionStore({ ttlSeconds: 3600 });
      const broker = new MemoryBroker();
      const [there, here, third] = [
        hubOver(store, 100, broker),
        hubOver(store, 100, broker),
        hubOver(store, 100, broker),
      ];
      const written: JSONRPCMessage[] = [];
      const held = await there.open(alice, {}, 'sse', () => ({
        deliver: (message) => void written.push(message),
        close: () => undefined,
      }));
      const revive = (hub: SessionHub) =>
        hub.resolve(held.sessionId, alice, {}, (record) => hub.relay(record.id));
      return { store, there, here, third, held, written, revive };
    }

    it("writes what it sends on another instance to the holder's stream, in order and once", async () => {
      const { here, third, written, revive } = await threeInstances();
      const relayed = await revive(here);
      await revive(third); // a third instance relaying too must not echo what it hears
      for (let id = 1; id <= 50; id++) relayed.send({ jsonrpc: '2.0', id, result: {} });
      await vi.waitFor(() => expect(written).toHaveLength(50));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(written.map((m) => ('id' in m ? m.id : undefined))).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
    });

    it('settles a server-to-client request asked on one instance with the answer posted to another', async () => {
      const { here, held, written, revive } = await threeInstances();
      const relayed = await revive(here);
      const answer = relayed.request('roots/list', undefined, {
        signal: new AbortController().signal,
        timeoutMs: 5000,
      });
      await vi.waitFor(() => expect(written).toHaveLength(1));
      const asked = written[0] as { id: string; method: string };
      expect(asked.method).toBe('roots/list');
      held.settle({ jsonrpc: '2.0', id: asked.id, result: { roots: [] } }); // the client's POST lands on the holder
      await expect(answer).resolves.toEqual({ roots: [] });
    });

    it('aborts a request running on one instance when its cancellation is posted to another', async () => {
      const { here, held, revive } = await threeInstances();
      const relayed = await revive(here);
      const running = relayed.inflight.begin(7)!;
      held.inflight.cancel(7, 'The user gave up'); // the client's notifications/cancelled lands on the holder
      await vi.waitFor(() => expect(running.signal.aborted).toBe(true));
      expect((running.signal.reason as Error).message).toBe('The user gave up');
    });

    it('tells the client of a list change once, from the holder alone', async () => {
      const { here, written, revive } = await threeInstances();
      await revive(here);
      for (const listener of catalogListeners) listener({ type: 'tools_list_changed', serverIds: 'all' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(written.map((m) => ('method' in m ? m.method : undefined))).toEqual([
        'notifications/tools/list_changed',
      ]);
    });

    it("keeps the holder's session when an instance relaying for it shuts down", async () => {
      const { store, here, held, revive } = await threeInstances();
      await revive(here);
      await here.close();
      expect(await store.get(held.sessionId)).toBeDefined();
      expect(held.closed.aborted).toBe(false);
    });
  });
});
