// The dispatcher over in-process peers: methods, pagination, errors, cancellation, duplicates, ordering.
import { beforeEach, describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../../src/cache/memory-session-store.js';
import type { Principal } from '../../../src/auth/principal.js';
import { Dispatcher } from '../../../src/mcp/dispatcher.js';
import { LiveSession } from '../../../src/mcp/live-session.js';
import { OneShotPeer } from '../../../src/mcp/one-shot-peer.js';
import type { JSONRPCMessage, RequestId } from '../../../src/mcp/protocol/json-rpc.js';
import { MemoryCatalog } from '../../helpers/memory-catalog.js';

const alice: Principal = { subject: 'alice@example.com', isAdmin: false, via: 'jwt' };
const silent = { error: () => undefined, debug: () => undefined };

interface Delivered {
  message: JSONRPCMessage;
  related?: RequestId;
}

async function openSession(catalog: MemoryCatalog, serverId: string | null = null, pageSize = 100) {
  const store = new MemorySessionStore({ ttlSeconds: 600 });
  const record = await store.create({ subject: alice.subject, serverId, transport: 'streamable-http' });
  const delivered: Delivered[] = [];
  const session = new LiveSession(record, alice, store, {
    deliver: (message, related) => delivered.push({ message, related }),
    close: () => undefined,
  });
  const dispatcher = new Dispatcher(
    { catalog, serverInfo: { name: 'mcpgateway', version: '0.1.0' }, pageSize },
    silent,
  );
  let next = 0;
  const call = (method: string, params?: Record<string, unknown>) =>
    dispatcher.handle(session, { jsonrpc: '2.0', id: ++next, method, ...(params ? { params } : {}) });
  return { store, session, dispatcher, delivered, call };
}

function statelessPeer(mode: 'stateless' | 'rpc' = 'stateless') {
  return new OneShotPeer({
    mode,
    principal: alice,
    scope: {},
    protocolVersion: '2026-07-28',
    closed: new AbortController().signal,
  });
}

describe('Dispatcher', () => {
  let catalog: MemoryCatalog;
  beforeEach(() => {
    catalog = new MemoryCatalog()
      .addServer('s1', { name: 'billing' })
      .addTool({ name: 'echo', description: 'Echo' }, undefined, { servers: ['s1'] })
      .addTool({ name: 'add' })
      .addResource({ uri: 'file:///readme', name: 'readme', mimeType: 'text/markdown' }, '# hi', {
        servers: ['s1'],
      })
      .addPrompt({ name: 'greet', arguments: [{ name: 'who', required: true }] }, 'Hello {{ who }}');
  });

  it('negotiates the requested revision at initialize and records it on the session', async () => {
    const { call, store, session } = await openSession(catalog);
    const res = await call('initialize', {
      protocolVersion: '2025-06-18',
      capabilities: { sampling: {} },
      clientInfo: { name: 'test', version: '1' },
    });
    expect(res).toMatchObject({
      result: {
        protocolVersion: '2025-06-18',
        serverInfo: { name: 'mcpgateway' },
        capabilities: { tools: {} },
      },
    });
    expect(await store.get(session.sessionId)).toMatchObject({
      protocolVersion: '2025-06-18',
      clientCapabilities: { sampling: {} },
    });
  });

  it('answers an unsupported requested revision with its newest one, and refuses a second initialize', async () => {
    const { call } = await openSession(catalog, 's1');
    const init = { protocolVersion: '1999-01-01', capabilities: {}, clientInfo: { name: 't', version: '1' } };
    expect(await call('initialize', init)).toMatchObject({
      result: { protocolVersion: '2025-11-25', serverInfo: { name: 'billing' } },
    });
    expect(await call('initialize', init)).toMatchObject({ error: { code: -32600 } });
  });

  it('shows a server-scoped session exactly the server’s entities', async () => {
    const { call } = await openSession(catalog, 's1');
    expect(await call('tools/list')).toMatchObject({ result: { tools: [{ name: 'echo' }] } });
    expect(await call('tools/call', { name: 'add', arguments: {} })).toMatchObject({
      error: { code: -32602, message: 'Tool not found: add' },
    });
    expect(await call('prompts/list')).toMatchObject({ result: { prompts: [] } });
  });

  it('pages lists with opaque cursors and rejects forged or foreign cursors', async () => {
    for (const name of ['c', 'a', 'e', 'b', 'd']) catalog.addTool({ name: `t-${name}` });
    const { call } = await openSession(catalog, null, 2);
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const res = (await call('tools/list', cursor ? { cursor } : {})) as unknown as {
        result: { tools: { name: string }[]; nextCursor?: string };
      };
      names.push(...res.result.tools.map((t) => t.name));
      cursor = res.result.nextCursor;
    } while (cursor !== undefined);
    expect(names).toEqual(['add', 'echo', 't-a', 't-b', 't-c', 't-d', 't-e']);
    const first = (await call('tools/list')) as unknown as { result: { nextCursor: string } };
    expect(await call('prompts/list', { cursor: first.result.nextCursor })).toMatchObject({
      error: { code: -32602, message: 'Invalid cursor' },
    });
    expect(await call('tools/list', { cursor: 'not-a-cursor' })).toMatchObject({ error: { code: -32602 } });
  });

  it('sends progress related to the call before the call’s response', async () => {
    const events: string[] = [];
    catalog.addTool({ name: 'slow' }, async (_args, ctx) => {
      await ctx.sendNotification({
        method: 'notifications/progress',
        params: { progressToken: ctx.progressToken!, progress: 1, total: 2 },
      });
      events.push('progress sent');
      return { content: [{ type: 'text', text: 'done' }] };
    });
    const { dispatcher, session, delivered } = await openSession(catalog);
    const res = await dispatcher.handle(session, {
      jsonrpc: '2.0',
      id: 'call-1',
      method: 'tools/call',
      params: { name: 'slow', _meta: { progressToken: 'p1' } },
    });
    events.push('response returned');
    expect(events).toEqual(['progress sent', 'response returned']);
    expect(delivered).toEqual([
      {
        message: {
          jsonrpc: '2.0',
          method: 'notifications/progress',
          params: { progressToken: 'p1', progress: 1, total: 2 },
        },
        related: 'call-1',
      },
    ]);
    expect(res).toMatchObject({ id: 'call-1', result: { content: [{ text: 'done' }] } });
  });

  it('answers a second request with an id still in flight at once, and still finishes the first', async () => {
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    catalog.addTool({ name: 'wait' }, () => {
      started();
      return new Promise((resolve) => (release = () => resolve({ content: [] })));
    });
    const { dispatcher, session } = await openSession(catalog);
    const request = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'wait' } };
    const first = dispatcher.handle(session, request);
    await running;
    const second = await dispatcher.handle(session, request);
    expect(second).toMatchObject({ id: 7, error: { code: -32600 } });
    release();
    expect(await first).toMatchObject({ id: 7, result: { content: [] } });
    // The id is free again once answered; "7" (a string) was never the same id.
    expect(session.inflight.size).toBe(0);
  });

  it('serves many calls in flight on one session without a listener-leak warning, and ends them all when it closes', async () => {
    let started = 0;
    let allStarted!: () => void;
    const running = new Promise<void>((resolve) => (allStarted = resolve));
    catalog.addTool({ name: 'park' }, (_args, ctx) => {
      if (++started === 25) allStarted();
      return new Promise((_resolve, reject) =>
        ctx.signal.addEventListener('abort', () => reject(new Error('gone'))),
      );
    });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const { call, session } = await openSession(catalog);
      const calls = Array.from({ length: 25 }, () => call('tools/call', { name: 'park' }));
      await running;
      session.close('the client went away');
      expect(await Promise.all(calls)).toEqual(Array.from({ length: 25 }, () => undefined));
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('aborts a one-shot call when its client goes away, and answers nothing', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let seen: AbortSignal | undefined;
    catalog.addTool({ name: 'park' }, (_args, ctx) => {
      seen = ctx.signal;
      started();
      return new Promise((_resolve, reject) => {
        if (ctx.signal.aborted) reject(new Error('gone'));
        ctx.signal.addEventListener('abort', () => reject(new Error('gone')));
      });
    });
    const gone = new AbortController();
    const peer = new OneShotPeer({
      mode: 'rpc',
      principal: alice,
      scope: {},
      protocolVersion: '2025-11-25',
      closed: gone.signal,
    });
    const dispatcher = new Dispatcher(
      { catalog, serverInfo: { name: 'mcpgateway', version: '0.1.0' } },
      silent,
    );
    const pending = dispatcher.handle(peer, {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'park' },
    });
    await running;
    gone.abort(new Error('the client closed the connection'));
    expect(await pending).toBeUndefined();
    expect(seen?.aborted).toBe(true);
    expect(peer.inflight.size).toBe(0);
    // A request that arrives after that starts aborted.
    expect(
      await dispatcher.handle(peer, {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'park' },
      }),
    ).toBeUndefined();
  });

  it('aborts the call’s signal on notifications/cancelled', async () => {
    let seen: AbortSignal | undefined;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    catalog.addTool(
      { name: 'hang' },
      (_args, ctx) =>
        new Promise((_resolve, reject) => {
          seen = ctx.signal;
          ctx.signal.addEventListener('abort', () => reject(new Error('aborted')));
          started();
        }),
    );
    const { dispatcher, session } = await openSession(catalog);
    const pending = dispatcher.handle(session, {
      jsonrpc: '2.0',
      id: 'h',
      method: 'tools/call',
      params: { name: 'hang' },
    });
    await running;
    await dispatcher.handle(session, {
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: 'h', reason: 'user pressed stop' },
    });
    expect(seen?.aborted).toBe(true);
    // The spec: no response at all for a cancelled request.
    expect(await pending).toBeUndefined();
  });

  it('while draining, finishes the calls in flight and turns new requests away with -32053', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    catalog.addTool(
      { name: 'slow' },
      () =>
        new Promise((resolve) => {
          release = () => resolve({ content: [{ type: 'text', text: 'done' }] });
          started();
        }),
    );
    const { dispatcher, call } = await openSession(catalog);
    const pending = call('tools/call', { name: 'slow' });
    await running;
    expect(dispatcher.drain.active).toBe(1);
    let drained: boolean | undefined;
    const closing = dispatcher.drain.close(5000).then((d) => (drained = d));
    expect(await call('ping')).toMatchObject({
      error: { code: -32053, message: expect.stringMatching(/^The gateway is shutting down/) },
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBeUndefined();
    release();
    expect(await pending).toMatchObject({ result: { content: [{ type: 'text', text: 'done' }] } });
    await closing;
    expect(drained).toBe(true);
    expect(dispatcher.drain.active).toBe(0);
  });

  it('drops log messages below the level the client set', async () => {
    catalog.addTool({ name: 'chatty' }, async (_args, ctx) => {
      await ctx.sendNotification({
        method: 'notifications/message',
        params: { level: 'debug', data: 'noise' },
      });
      await ctx.sendNotification({
        method: 'notifications/message',
        params: { level: 'error', data: 'boom' },
      });
      return { content: [] };
    });
    const { call, delivered } = await openSession(catalog);
    expect(await call('logging/setLevel', { level: 'warning' })).toMatchObject({ result: {} });
    await call('tools/call', { name: 'chatty' });
    expect(delivered.map((d) => (d.message as unknown as { params: { data: string } }).params.data)).toEqual([
      'boom',
    ]);
  });

  it('reads resources, and answers an unknown URI with -32002 (2025) or -32602 (2026-07-28)', async () => {
    const { call } = await openSession(catalog);
    expect(await call('resources/read', { uri: 'file:///readme' })).toMatchObject({
      result: { contents: [{ uri: 'file:///readme', text: '# hi', mimeType: 'text/markdown' }] },
    });
    expect(await call('resources/read', { uri: 'file:///nope' })).toMatchObject({
      error: { code: -32002, data: { uri: 'file:///nope' } },
    });
    const dispatcher = new Dispatcher({ catalog, serverInfo: { name: 'gw', version: '1' } }, silent);
    expect(
      await dispatcher.handle(statelessPeer(), {
        jsonrpc: '2.0',
        id: 1,
        method: 'resources/read',
        params: { uri: 'file:///nope' },
      }),
    ).toMatchObject({ error: { code: -32602, data: { uri: 'file:///nope' } } });
  });

  it('subscribes only to resources the session can see', async () => {
    const { call, store, session } = await openSession(catalog);
    expect(await call('resources/subscribe', { uri: 'file:///readme' })).toMatchObject({ result: {} });
    expect(await call('resources/subscribe', { uri: 'file:///secret' })).toMatchObject({
      error: { code: -32002 },
    });
    expect((await store.get(session.sessionId))?.subscriptions).toEqual(['file:///readme']);
    await call('resources/unsubscribe', { uri: 'file:///readme' });
    expect((await store.get(session.sessionId))?.subscriptions).toEqual([]);
  });

  it('renders prompts and completes prompt arguments', async () => {
    catalog.completions.set('who', ['world', 'wonderland', 'moon']);
    const { call } = await openSession(catalog);
    expect(await call('prompts/get', { name: 'greet', arguments: { who: 'world' } })).toMatchObject({
      result: { messages: [{ role: 'user', content: { type: 'text', text: 'Hello world' } }] },
    });
    expect(
      await call('completion/complete', {
        ref: { type: 'ref/prompt', name: 'greet' },
        argument: { name: 'who', value: 'wo' },
      }),
    ).toMatchObject({ result: { completion: { values: ['world', 'wonderland'] } } });
  });

  it('serves the stateless revision: server/discover, resultType, no session methods', async () => {
    const dispatcher = new Dispatcher({ catalog, serverInfo: { name: 'gw', version: '1' } }, silent);
    const peer = statelessPeer();
    const discover = await dispatcher.handle(peer, { jsonrpc: '2.0', id: 1, method: 'server/discover' });
    expect(discover).toMatchObject({
      result: {
        supportedVersions: expect.arrayContaining(['2026-07-28', '2025-11-25']),
        resultType: 'complete',
      },
    });
    expect(await dispatcher.handle(peer, { jsonrpc: '2.0', id: 2, method: 'tools/list' })).toMatchObject({
      result: {
        resultType: 'complete',
        ttlMs: 0,
        cacheScope: 'private',
        _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'gw' } },
      },
    });
    for (const method of ['initialize', 'ping', 'logging/setLevel', 'resources/subscribe'])
      expect(await dispatcher.handle(peer, { jsonrpc: '2.0', id: 3, method })).toMatchObject({
        error: { code: -32601 },
      });
  });

  it('hides the cause of unexpected failures behind -32603 and an error id', async () => {
    const logged: unknown[] = [];
    catalog.addTool({ name: 'broken' }, () => Promise.reject(new Error('password=hunter2 at db.ts:12')));
    const dispatcher = new Dispatcher(
      { catalog, serverInfo: { name: 'gw', version: '1' } },
      { error: (obj) => logged.push(obj), debug: () => undefined },
    );
    const res = await dispatcher.handle(statelessPeer('rpc'), {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'broken' },
    });
    expect(JSON.stringify(res)).not.toContain('hunter2');
    expect(res).toMatchObject({
      error: { code: -32603, message: 'Internal error', data: { errorId: expect.any(String) } },
    });
    expect(logged).toHaveLength(1);
  });

  it('answers malformed messages and unknown methods with JSON-RPC errors', async () => {
    const { dispatcher, session, call } = await openSession(catalog);
    expect(await dispatcher.handle(session, { jsonrpc: '1.0', id: 1, method: 'ping' })).toMatchObject({
      id: null,
      error: { code: -32600 },
    });
    expect(await dispatcher.handle(session, { jsonrpc: '2.0', id: { no: 1 }, method: 'ping' })).toMatchObject(
      {
        error: { code: -32600 },
      },
    );
    expect(await call('constructor')).toMatchObject({ error: { code: -32601 } });
    expect(await call('tools/call', { arguments: {} })).toMatchObject({ error: { code: -32602 } });
    expect(await call('ping')).toMatchObject({ result: {} });
  });
});
