// The bridge's routing between many client sessions and one child, over in-memory links on both sides.
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { rpcCodeOf } from '../../../../src/errors/codes.js';
import { Bridge } from '../../../../src/bridges/translate/bridge.js';
import { negotiateVersion } from '../../../../src/bridges/translate/initialize-gate.js';
import type { RpcId, RpcRequest } from '../../../../src/lib/rpc-message.js';

/** What the tests read off a message; the bridge itself only ever sees RpcMessage. */
interface Wire {
  id?: RpcId;
  method?: string;
  params?: {
    protocolVersion?: unknown;
    progressToken?: unknown;
    progress?: unknown;
    _meta?: { progressToken?: unknown };
  };
  result?: { protocolVersion?: unknown };
  error?: { code: number; message: string };
}

interface Delivered {
  message: Wire;
  relatedTo?: RpcId;
}

function setup(limits: { maxSessions?: number; maxPendingPerSession?: number } = {}) {
  const child: Wire[] = [];
  const clients = new Map<string, Delivered[]>();
  const bridge = new Bridge({
    sendToChild: (m) => child.push(m as Wire),
    log: () => undefined,
    maxSessions: limits.maxSessions ?? 10,
    maxPendingPerSession: limits.maxPendingPerSession ?? 10,
  });
  const open = (id: string): Delivered[] => {
    const inbox: Delivered[] = [];
    clients.set(id, inbox);
    bridge.openSession(id, {
      send: (message, relatedTo) => inbox.push({ message: message as Wire, relatedTo }),
    });
    return inbox;
  };
  const request = (id: RpcId, method: string, params?: Record<string, unknown>): RpcRequest => ({
    jsonrpc: '2.0',
    id,
    method,
    ...(params === undefined ? {} : { params }),
  });
  const reply = (to: Wire | undefined, result: unknown) =>
    bridge.fromChild({ jsonrpc: '2.0', id: to!.id!, result });
  /** Opens sessions and completes the shared initialize, so the child has been initialized once. */
  const ready = (...ids: string[]) => {
    const inboxes = ids.map(open);
    for (const id of ids)
      bridge.fromClient(id, request(0, 'initialize', { protocolVersion: '2025-06-18', capabilities: {} }));
    const init = child.find((m) => m.method === 'initialize');
    if (init !== undefined)
      reply(init, {
        protocolVersion: '2025-11-25',
        capabilities: { tools: {} },
        serverInfo: { name: 'child' },
      });
    child.length = 0;
    for (const inbox of inboxes) inbox.length = 0;
    return inboxes as [Delivered[], Delivered[], Delivered[]];
  };
  return { bridge, child, open, request, reply, ready };
}

describe('Bridge', () => {
  it('gives each client its own answer when clients reuse the same ids', () => {
    const { bridge, child, request, reply, ready } = setup();
    const [a, b] = ready('a', 'b');
    bridge.fromClient('a', request(1, 'tools/call', { name: 'echo', arguments: { message: 'A' } }));
    bridge.fromClient('b', request(1, 'tools/call', { name: 'echo', arguments: { message: 'B' } }));
    const [toA, toB] = child;
    expect(toA!.id).not.toBe(toB!.id);
    reply(toB, { text: 'B' });
    reply(toA, { text: 'A' });
    expect(a).toEqual([{ message: { jsonrpc: '2.0', id: 1, result: { text: 'A' } }, relatedTo: 1 }]);
    expect(b).toEqual([{ message: { jsonrpc: '2.0', id: 1, result: { text: 'B' } }, relatedTo: 1 }]);
  });

  it('initializes the child once and answers later clients from the cache with their own version', () => {
    const { bridge, child, open, request, reply } = setup();
    const a = open('a');
    bridge.fromClient('a', request(0, 'initialize', { protocolVersion: '2025-06-18', capabilities: {} }));
    expect(child).toHaveLength(1);
    expect(child[0]!.params!.protocolVersion).toBe(LATEST_PROTOCOL_VERSION);
    const b = open('b'); // arrives while the child is still initializing
    bridge.fromClient('b', request(0, 'initialize', { protocolVersion: '2025-03-26', capabilities: {} }));
    reply(child[0], {
      protocolVersion: '2025-11-25',
      capabilities: { tools: {} },
      serverInfo: { name: 'child' },
    });
    const c = open('c');
    bridge.fromClient('c', request(9, 'initialize', { protocolVersion: '2025-11-25', capabilities: {} }));
    expect(child.filter((m) => m.method === 'initialize')).toHaveLength(1);
    expect(a[0]!.message.result).toMatchObject({
      protocolVersion: '2025-06-18',
      serverInfo: { name: 'child' },
    });
    expect(b[0]!.message.result!.protocolVersion).toBe('2025-03-26');
    expect(c[0]!.message).toMatchObject({ id: 9, result: { protocolVersion: '2025-11-25' } });

    for (const id of ['a', 'b', 'c'])
      bridge.fromClient(id, { jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(child.filter((m) => m.method === 'notifications/initialized')).toHaveLength(1);
  });

  it('negotiates per the spec: the asked version when known and not newer than the child, else the child', () => {
    expect(negotiateVersion('2025-06-18', '2025-11-25')).toBe('2025-06-18');
    expect(negotiateVersion('2025-11-25', '2025-06-18')).toBe('2025-06-18');
    expect(negotiateVersion('1999-01-01', '2025-06-18')).toBe('2025-06-18');
    expect(negotiateVersion(undefined, '2025-06-18')).toBe('2025-06-18');
  });

  it('rewrites progress tokens so two clients using the same token each get only their own progress', () => {
    const { bridge, child, request, ready } = setup();
    const [a, b] = ready('a', 'b');
    const slow = { name: 'slow', _meta: { progressToken: 1 } };
    bridge.fromClient('a', request(1, 'tools/call', slow));
    bridge.fromClient('b', request(1, 'tools/call', slow));
    const [toA, toB] = child;
    expect(toA!.params!._meta!.progressToken).not.toBe(toB!.params!._meta!.progressToken);
    const progress = (token: unknown, n: number) =>
      bridge.fromChild({
        jsonrpc: '2.0',
        method: 'notifications/progress',
        params: { progressToken: token, progress: n },
      });
    progress(toB!.params!._meta!.progressToken, 2);
    progress(toA!.params!._meta!.progressToken, 1);
    expect(a.map((d) => [d.message.params!.progressToken, d.message.params!.progress, d.relatedTo])).toEqual([
      [1, 1, 1],
    ]);
    expect(b.map((d) => [d.message.params!.progressToken, d.message.params!.progress, d.relatedTo])).toEqual([
      [1, 2, 1],
    ]);
  });

  it("translates a client's cancellation to the child's id and drops the late answer", () => {
    const { bridge, child, request, reply, ready } = setup();
    const [a] = ready('a');
    bridge.fromClient('a', request('x', 'tools/call', { name: 'slow' }));
    const forwarded = child[0];
    bridge.fromClient('a', { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'x' } });
    expect(child[1]).toMatchObject({
      method: 'notifications/cancelled',
      params: { requestId: forwarded!.id },
    });
    reply(forwarded, { late: true });
    expect(a).toEqual([]);
  });

  it("sends a child's request to the client whose call is in flight, and accepts only that client's answer", () => {
    const { bridge, child, request, ready } = setup();
    const [a, b] = ready('a', 'b');
    bridge.fromClient('b', request(5, 'tools/call', { name: 'sample' }));
    bridge.fromChild({ jsonrpc: '2.0', id: 'srv-1', method: 'sampling/createMessage', params: {} });
    expect(a).toEqual([]);
    expect(b[0]).toMatchObject({ message: { id: 'srv-1', method: 'sampling/createMessage' }, relatedTo: 5 });
    child.length = 0;
    bridge.fromClient('a', { jsonrpc: '2.0', id: 'srv-1', result: { forged: true } });
    expect(child).toEqual([]);
    bridge.fromClient('b', { jsonrpc: '2.0', id: 'srv-1', result: { model: 'm' } });
    expect(child).toEqual([{ jsonrpc: '2.0', id: 'srv-1', result: { model: 'm' } }]);
  });

  it('cleans up after a client leaves: its calls cancelled, its pending answers failed at the child', () => {
    const { bridge, child, request, ready } = setup();
    ready('a');
    bridge.fromClient('a', request(1, 'tools/call', { name: 'slow' }));
    const forwarded = child[0];
    bridge.fromChild({ jsonrpc: '2.0', id: 77, method: 'roots/list' });
    child.length = 0;
    bridge.closeSession('a');
    expect(child).toContainEqual(
      expect.objectContaining({
        method: 'notifications/cancelled',
        params: expect.objectContaining({ requestId: forwarded!.id }),
      }),
    );
    expect(child).toContainEqual(
      expect.objectContaining({ id: 77, error: expect.objectContaining({ code: rpcCodeOf('Unavailable') }) }),
    );
    expect(bridge.sessionCount).toBe(0);
  });

  it('keeps the child subscribed while any client is, and routes updates to subscribers only', () => {
    const { bridge, child, request, reply, ready } = setup();
    const [a, b, c] = ready('a', 'b', 'c');
    bridge.fromClient('a', request(1, 'resources/subscribe', { uri: 'test://r' }));
    bridge.fromClient('b', request(1, 'resources/subscribe', { uri: 'test://r' }));
    for (const m of [...child]) reply(m, {});
    child.length = 0;
    bridge.fromClient('a', request(2, 'resources/unsubscribe', { uri: 'test://r' }));
    expect(child).toEqual([]); // b still wants it
    expect(a.at(-1)!.message).toEqual({ jsonrpc: '2.0', id: 2, result: {} });
    bridge.fromChild({
      jsonrpc: '2.0',
      method: 'notifications/resources/updated',
      params: { uri: 'test://r' },
    });
    expect(b.at(-1)!.message.method).toBe('notifications/resources/updated');
    expect(a.some((d) => d.message.method === 'notifications/resources/updated')).toBe(false);
    expect(c).toEqual([]);
    bridge.closeSession('b');
    expect(child).toContainEqual(
      expect.objectContaining({ method: 'resources/unsubscribe', params: { uri: 'test://r' } }),
    );
  });

  it('broadcasts other notifications to initialized sessions only', () => {
    const { bridge, open, ready } = setup();
    const [a] = ready('a');
    const fresh = open('fresh');
    bridge.fromChild({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    expect(a.map((d) => d.message.method)).toEqual(['notifications/tools/list_changed']);
    expect(fresh).toEqual([]);
  });

  it('bounds sessions and in-flight requests, and refuses a duplicate in-flight id', () => {
    const { bridge, child, open, request, ready } = setup({ maxSessions: 2, maxPendingPerSession: 2 });
    const [a] = ready('a');
    open('b');
    expect(() => open('c')).toThrow(/session limit/);
    bridge.fromClient('a', request(1, 'tools/call'));
    bridge.fromClient('a', request(1, 'tools/call'));
    expect(bridge.isInFlight('a', 1)).toBe(true);
    bridge.fromClient('a', request(2, 'tools/call'));
    bridge.fromClient('a', request(3, 'tools/call'));
    expect(child).toHaveLength(2);
    expect(a.map((d) => [d.message.id, d.message.error!.code])).toEqual([
      [1, rpcCodeOf('BadRequest')],
      [3, rpcCodeOf('RateLimited')],
    ]);
  });

  it('fails every waiting request at once when the child is gone, and every later one', () => {
    const { bridge, request, ready } = setup();
    const [a] = ready('a');
    bridge.fromClient('a', request(1, 'tools/call'));
    bridge.childGone('stdio server exited with code 3');
    bridge.fromClient('a', request(2, 'tools/list'));
    expect(a.map((d) => [d.message.id, d.message.error!.code, d.message.error!.message])).toEqual([
      [1, rpcCodeOf('Unavailable'), 'stdio server exited with code 3'],
      [2, rpcCodeOf('Unavailable'), 'the stdio server has exited'],
    ]);
  });
});
