// The Forwarder against real SDK v2 upstream servers linked in memory: fidelity, relays, sessions, failures.
import { SdkErrorCode, SdkHttpError } from '@modelcontextprotocol/client';
import type { ProtocolError } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../../../src/errors/app-error.js';
import { Forwarder, type ForwarderOptions } from '../../../../src/federation/forward/forwarder.js';
import type { ForwardGateway } from '../../../../src/federation/forward/gateway-spec.js';
import type { OpenUpstream } from '../../../../src/federation/forward/session-pool.js';
import { UpstreamStreamLost } from '../../../../src/federation/streamable/streamable-upstream.js';
import { JsonRpcError } from '../../../../src/mcp/protocol/json-rpc.js';
import { clientContext, gatewayOf, inMemoryUpstream, type InMemoryUpstream } from './in-memory-upstream.js';

const RICH_RESULT = {
  content: [
    { type: 'text', text: 'hello', annotations: { audience: ['user'], priority: 0.5 }, _meta: { k: 1 } },
    { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' },
    { type: 'audio', data: 'UklGRg==', mimeType: 'audio/wav' },
    { type: 'resource', resource: { uri: 'file:///a.txt', mimeType: 'text/plain', text: 'A' } },
    { type: 'resource_link', uri: 'file:///b.bin', name: 'b', mimeType: 'application/octet-stream' },
  ],
  structuredContent: { answer: 42 },
  isError: true,
  _meta: { 'example.com/trace': 'abc' },
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await sleep(10);
  expect(check()).toBe(true);
}

/** The upstream every test federates: its state lives in the McpServer instance, i.e. per upstream session. */
function everythingish(log: string[]): InMemoryUpstream {
  return inMemoryUpstream((server) => {
    let count = 0;
    server.registerTool('count', { description: 'per-session counter' }, () => {
      count += 1;
      return { content: [{ type: 'text', text: String(count) }] };
    });
    server.registerTool('rich', {}, () => RICH_RESULT as never);
    server.registerTool('progress', {}, async (ctx) => {
      const token = ctx.mcpReq._meta?.progressToken;
      if (token !== undefined)
        for (const progress of [1, 2])
          await ctx.mcpReq.notify({
            method: 'notifications/progress',
            params: { progressToken: token, progress, total: 2 },
          });
      await ctx.mcpReq.log('info', 'almost done');
      return { content: [{ type: 'text', text: 'done' }] };
    });
    server.registerTool('sample', {}, async (ctx) => {
      try {
        const r = await ctx.mcpReq.requestSampling({
          messages: [{ role: 'user', content: { type: 'text', text: 'q' } }],
          maxTokens: 5,
        });
        return { content: [{ type: 'text', text: `sampled ${JSON.stringify(r.content)}` }] };
      } catch (error) {
        return { content: [{ type: 'text', text: `refused ${(error as ProtocolError).code}` }] };
      }
    });
    server.registerTool('wait', {}, async (ctx) => {
      await new Promise<void>((resolve) => {
        if (ctx.mcpReq.signal.aborted) resolve();
        ctx.mcpReq.signal.addEventListener('abort', () => resolve());
      });
      log.push('upstream saw the cancellation');
      return { content: [] };
    });
    server.registerTool('slow', {}, async () => {
      await sleep(300);
      return { content: [] };
    });
    server.registerPrompt('greet', { argsSchema: z.object({ who: z.string() }) }, ({ who }) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `Hello ${who}` } }],
    }));
    server.registerTool('meta', {}, (ctx) => ({
      content: [],
      structuredContent: { meta: ctx.mcpReq._meta ?? null },
    }));
    server.registerTool('chatty', {}, async (ctx) => {
      await ctx.mcpReq.log('debug', 'detail');
      await ctx.mcpReq.log('error', 'trouble');
      return { content: [] };
    });
    server.registerTool('announce', {}, () => {
      server.sendToolListChanged();
      return { content: [] };
    });
    let arrived = 0;
    let release = (): void => undefined;
    const together = new Promise<void>((resolve) => (release = resolve));
    server.registerTool('log-when-two', {}, async (ctx) => {
      if (++arrived === 2) release();
      await together;
      await ctx.mcpReq.log('info', 'whose log is this?');
      return { content: [] };
    });
    server.registerResource('readme', 'file:///readme', { mimeType: 'text/plain' }, (uri) => ({
      contents: [{ uri: uri.href, text: 'read me', _meta: { x: 1 } }],
    }));
  });
}

describe('Forwarder', () => {
  const built: Forwarder[] = [];
  afterEach(async () => {
    await Promise.all(built.splice(0).map((f) => f.close()));
  });

  function build(
    upstream: { open: OpenUpstream },
    {
      target,
      clock,
      ...opts
    }: Partial<ForwarderOptions> & { target?: ForwardGateway; clock?: { now: number } } = {},
  ): Forwarder {
    const gateway = target ?? gatewayOf();
    const forwarder = new Forwarder({
      gateway: (id) => Promise.resolve(id === gateway.spec.gatewayId ? gateway : undefined),
      open: upstream.open,
      limits: {
        maxSessionsPerGateway: 10,
        maxStdioSessionsPerGateway: 2,
        idleMs: 60_000,
        connectTimeoutMs: 5000,
      },
      breaker: { threshold: 3, cooldownMs: 30_000 },
      onListChanged: () => undefined,
      onResourceUpdated: () => undefined,
      ...(clock === undefined ? {} : { now: () => clock.now }),
      ...opts,
    });
    built.push(forwarder);
    return forwarder;
  }

  it('passes every content type, structuredContent, isError, annotations and _meta through unchanged', async () => {
    const f = build(everythingish([]));
    expect(await f.callTool('g1', 'rich', {}, clientContext({ sessionId: 's1' }))).toEqual(RICH_RESULT);
    expect(await f.readResource('g1', 'file:///readme', clientContext({ sessionId: 's1' }))).toEqual({
      contents: [{ uri: 'file:///readme', text: 'read me', _meta: { x: 1 } }],
    });
    expect(await f.getPrompt('g1', 'greet', { who: 'Ada' }, clientContext())).toEqual({
      messages: [{ role: 'user', content: { type: 'text', text: 'Hello Ada' } }],
    });
  });

  it("passes the request's _meta upstream, with a progress token of the gateway's own in place of the client's", async () => {
    const f = build(everythingish([]));
    const meta = { 'example.com/trace': 't-1', progressToken: 'client-7' };
    const ctx = clientContext({ sessionId: 's1', progressToken: 'client-7', meta });
    const seen = (await f.callTool('g1', 'meta', {}, ctx)).structuredContent as {
      meta: Record<string, unknown>;
    };
    expect(seen.meta['example.com/trace']).toBe('t-1');
    expect(seen.meta.progressToken).toMatch(/^mcpgw-/);
  });

  it("answers with the upstream's own JSON-RPC error", async () => {
    const f = build(everythingish([]));
    const error = await f.getPrompt('g1', 'missing', {}, clientContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JsonRpcError);
    expect((error as JsonRpcError).code).toBe(-32602);
  });

  it("tells the upstream the client's log level: before a call of a session that set one, and when it changes", async () => {
    const f = build(everythingish([]));
    const levels = async (ctx: ReturnType<typeof clientContext>) => {
      await f.callTool('g1', 'chatty', {}, ctx);
      return ctx.notifications.map((n) => n.params?.level);
    };
    expect(await levels(clientContext({ sessionId: 's1' }))).toEqual(['debug', 'error']);
    // The upstream itself stops sending what the client does not want (the gateway filters too, elsewhere).
    expect(await levels(clientContext({ sessionId: 's1', logLevel: 'error' }))).toEqual(['error']);
    f.clientLogLevelChanged('s1', 'debug');
    expect(await levels(clientContext({ sessionId: 's1' }))).toEqual(['debug', 'error']);
    // Another session's upstream session was never told anything.
    expect(await levels(clientContext({ sessionId: 's2' }))).toEqual(['debug', 'error']);
  });

  it('gives each downstream session its own upstream session and reuses it for every call', async () => {
    const upstream = everythingish([]);
    const f = build(upstream);
    const alice = clientContext({ sessionId: 'alice' });
    const bob = clientContext({ sessionId: 'bob' });
    const text = async (ctx: typeof alice) =>
      ((await f.callTool('g1', 'count', {}, ctx)).content[0] as { text: string }).text;
    expect([
      await text(alice),
      await text(alice),
      await text(bob),
      await text(alice),
      await text(bob),
    ]).toEqual(['1', '2', '1', '3', '2']);
    expect(upstream.opened).toBe(2);
  });

  it('shares one connection between stateless callers', async () => {
    const upstream = everythingish([]);
    const f = build(upstream);
    await Promise.all([1, 2, 3].map(() => f.callTool('g1', 'count', {}, clientContext())));
    expect(upstream.opened).toBe(1);
  });

  it("replaces an upstream session whose event stream is lost for good (the transport's UpstreamStreamLost)", async () => {
    const upstream = everythingish([]);
    const f = build(upstream);
    const ctx = clientContext({ sessionId: 's1' });
    const count = async () =>
      ((await f.callTool('g1', 'count', {}, ctx)).content[0] as { text: string }).text;
    expect([await count(), await count()]).toEqual(['1', '2']);
    upstream.clients[0]!.onerror?.(new UpstreamStreamLost('the GET stream could not be reopened'));
    expect(await count()).toBe('1'); // a fresh upstream session
    expect(upstream.opened).toBe(2);
    // Other transport errors (a not-JSON event, say) leave the session alone.
    upstream.clients[1]!.onerror?.(new Error('the upstream sent an SSE event that is not JSON'));
    expect(await count()).toBe('2');
    expect(upstream.opened).toBe(2);
  });

  it('fails the calls in flight at once when the upstream connection is lost, and the next call gets a new session', async () => {
    const upstream = everythingish([]);
    const f = build(upstream);
    const ctx = clientContext({ sessionId: 's1' });
    await f.callTool('g1', 'count', {}, ctx);
    const started = Date.now();
    // Two: three connection failures in a row would open the circuit breaker (its own test).
    const waiting = [1, 2].map(() => f.callTool('g1', 'wait', {}, ctx).catch((e: unknown) => e));
    await sleep(20);
    upstream.clients[0]!.onerror?.(new UpstreamStreamLost('the GET stream could not be reopened'));
    for (const error of await Promise.all(waiting))
      expect(String((error as Error).message)).toMatch(/lost|connection/i);
    expect(Date.now() - started).toBeLessThan(1000); // not the call timeout
    expect(((await f.callTool('g1', 'count', {}, ctx)).content[0] as { text: string }).text).toBe('1');
    expect(upstream.opened).toBe(2);
  });

  it('closes the upstream session when its downstream session ends', async () => {
    const upstream = everythingish([]);
    const f = build(upstream);
    const ctx = clientContext({ sessionId: 's1' });
    await f.callTool('g1', 'count', {}, ctx);
    expect(upstream.open_).toBe(1);
    ctx.endSession();
    await until(() => upstream.open_ === 0);
    expect(f.stats('g1').sessions).toBe(0);
  });

  it("relays progress under the caller's own token, and logs, before the result", async () => {
    const f = build(everythingish([]));
    const ctx = clientContext({ sessionId: 's1', progressToken: 'client-token-7' });
    const result = await f.callTool('g1', 'progress', {}, ctx);
    expect(ctx.notifications).toEqual([
      {
        method: 'notifications/progress',
        params: { progressToken: 'client-token-7', progress: 1, total: 2 },
      },
      {
        method: 'notifications/progress',
        params: { progressToken: 'client-token-7', progress: 2, total: 2 },
      },
      { method: 'notifications/message', params: { level: 'info', data: 'almost done' } },
    ]);
    expect(result.content).toEqual([{ type: 'text', text: 'done' }]);
  });

  it('relays sampling to the calling client only, and its refusal code back to the upstream', async () => {
    const upstream = everythingish([]);
    const f = build(upstream);
    const answer = () =>
      Promise.resolve({ role: 'assistant', content: { type: 'text', text: 'yes' }, model: 'm' });
    const caller = clientContext({ sessionId: 'caller', capabilities: { sampling: {} }, answer });
    const bystander = clientContext({ sessionId: 'bystander', capabilities: { sampling: {} }, answer });
    await f.callTool('g1', 'count', {}, bystander);
    const result = await f.callTool('g1', 'sample', {}, caller);
    expect(result.content).toEqual([{ type: 'text', text: 'sampled {"type":"text","text":"yes"}' }]);
    expect(caller.requests.map((r) => r.method)).toEqual(['sampling/createMessage']);
    expect(bystander.requests).toEqual([]);
    expect(upstream.capabilities).toEqual([{ sampling: {} }, { sampling: {} }]);

    const refusing = clientContext({
      sessionId: 'refusing',
      capabilities: { sampling: {} },
      answer: () =>
        Promise.reject(
          new AppError({
            code: 'UpstreamFailed',
            message: 'no',
            data: { code: -1, message: 'User rejected' },
          }),
        ),
    });
    expect((await f.callTool('g1', 'sample', {}, refusing)).content).toEqual([
      { type: 'text', text: 'refused -1' },
    ]);
  });

  it('re-syncs once per burst of upstream list_changed, however many upstream sessions announce it', async () => {
    const changes: Array<[string, string[]]> = [];
    const f = build(everythingish([]), {
      listChangedDelayMs: 20,
      onListChanged: (gatewayId, kinds) => changes.push([gatewayId, kinds]),
    });
    await f.callTool('g1', 'announce', {}, clientContext({ sessionId: 'a' }));
    await f.callTool('g1', 'announce', {}, clientContext({ sessionId: 'b' }));
    await until(() => changes.length > 0);
    await sleep(50);
    expect(changes).toEqual([['g1', ['tools']]]);
  });

  it('on a shared connection, gives a log to a caller only when it cannot belong to another', async () => {
    const f = build(everythingish([]));
    const callers = [clientContext(), clientContext()];
    await Promise.all(callers.map((ctx) => f.callTool('g1', 'log-when-two', {}, ctx)));
    expect(callers.map((c) => c.notifications)).toEqual([[], []]);

    const session = [clientContext({ sessionId: 'x' }), clientContext({ sessionId: 'x' })];
    await Promise.all(session.map((ctx) => f.callTool('g1', 'log-when-two', {}, ctx)));
    expect(session.flatMap((c) => c.notifications)).toHaveLength(2);
  });

  it('cancels the upstream request when the client cancels', async () => {
    const log: string[] = [];
    const f = build(everythingish(log));
    const ctx = clientContext({ sessionId: 's1' });
    const call = f.callTool('g1', 'wait', {}, ctx);
    await sleep(50);
    ctx.cancel();
    await expect(call).rejects.toThrow(/cancelled/);
    await until(() => log.includes('upstream saw the cancellation'));
  });

  it('fails a call past its timeout with a Timeout naming the gateway', async () => {
    const f = build(everythingish([]));
    const error = await f.callTool('g1', 'slow', {}, clientContext(), 20).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'Timeout',
      message: 'Gateway upstream did not answer tools/call within 20 ms',
    });
  });

  it('opens the circuit after repeated failures, fails fast, and closes after a successful trial', async () => {
    const upstream = everythingish([]);
    const clock = { now: 1_000_000 };
    const f = build(upstream, { clock });
    upstream.failOpens(3);
    for (let i = 0; i < 3; i++)
      await expect(f.callTool('g1', 'count', {}, clientContext())).rejects.toMatchObject({
        code: 'UpstreamFailed',
      });
    await expect(f.callTool('g1', 'count', {}, clientContext())).rejects.toThrow(
      'gateway upstream is unavailable (circuit open after 3 failures); retrying in 30s',
    );
    expect(f.stats('g1').circuit).toBe('open');
    clock.now += 30_000;
    expect((await f.callTool('g1', 'count', {}, clientContext())).content).toEqual([
      { type: 'text', text: '1' },
    ]);
    expect(f.stats('g1').circuit).toBe('closed');
  });

  it('fails fast for a gateway marked unreachable or disabled, without connecting', async () => {
    const upstream = everythingish([]);
    const f = build(upstream, { target: gatewayOf({}, { reachable: false }) });
    await expect(f.callTool('g1', 'count', {}, clientContext())).rejects.toThrow(/unreachable/);
    await expect(f.callTool('nope', 'count', {}, clientContext())).rejects.toThrow(/no longer exists/);
    expect(upstream.opened).toBe(0);
  });

  it('re-initializes once when the upstream says our session expired (404)', async () => {
    const upstream = everythingish([]);
    let expired = 1;
    const open: OpenUpstream = async (spec, opts) => {
      const connection = await upstream.open(spec, opts);
      const request = connection.client.request.bind(connection.client);
      connection.client.request = ((...args: Parameters<typeof request>) => {
        if (expired-- > 0)
          return Promise.reject(
            new SdkHttpError(SdkErrorCode.ClientHttpNotImplemented, 'gone', { status: 404 }),
          );
        return request(...args);
      }) as typeof request;
      return connection;
    };
    const f = build({ open });
    expect((await f.callTool('g1', 'count', {}, clientContext({ sessionId: 's1' }))).content).toEqual([
      { type: 'text', text: '1' },
    ]);
    expect(upstream.opened).toBe(2);
  });

  it('bounds upstream sessions per gateway: the least recently used idle one makes way, busy ones are never taken', async () => {
    const upstream = everythingish([]);
    const f = build(upstream, { target: gatewayOf({ transport: 'STDIO', command: ['server'] }) });
    const a = clientContext({ sessionId: 'a' });
    const b = clientContext({ sessionId: 'b' });
    await f.callTool('g1', 'count', {}, a);
    await f.callTool('g1', 'count', {}, b);
    await f.callTool('g1', 'count', {}, clientContext({ sessionId: 'c' }));
    expect(f.stats('g1').sessions).toBe(2);
    expect(upstream.open_).toBe(2);
    // a was evicted: its next call gets a fresh upstream session.
    expect((await f.callTool('g1', 'count', {}, a)).content).toEqual([{ type: 'text', text: '1' }]);

    const busy = [clientContext({ sessionId: 'd' }), clientContext({ sessionId: 'e' })];
    const waits = busy.map((ctx) => f.callTool('g1', 'wait', {}, ctx));
    await sleep(50);
    for (let i = 0; i < 3; i++)
      await expect(f.callTool('g1', 'count', {}, clientContext({ sessionId: 'f' }))).rejects.toThrow(/busy/);
    // Being full here says nothing about the upstream: its circuit stays closed.
    expect(f.stats('g1').circuit).toBe('closed');
    for (const ctx of busy) ctx.cancel();
    await Promise.allSettled(waits);
  });

  it('closes upstream sessions left idle', async () => {
    const upstream = everythingish([]);
    const clock = { now: 0 };
    const f = build(upstream, { clock });
    await f.callTool('g1', 'count', {}, clientContext({ sessionId: 's1' }));
    clock.now += 61_000;
    await f.closeIdle();
    expect(upstream.open_).toBe(0);
  });

  it('sends X-Upstream-Authorization upstream only for passthrough gateways, never mixing two callers', async () => {
    const seen: Array<Readonly<Record<string, string>> | undefined> = [];
    const upstream = everythingish([]);
    const open: OpenUpstream = (spec, opts) => {
      seen.push(opts.headers);
      return upstream.open(spec, opts);
    };
    const f = build({ open }, { target: gatewayOf({ passthroughAuth: true }) });
    await f.callTool('g1', 'count', {}, clientContext({ upstreamAuthorization: 'Bearer one' }));
    await f.callTool('g1', 'count', {}, clientContext({ upstreamAuthorization: 'Bearer two' }));
    await f.callTool('g1', 'count', {}, clientContext({ upstreamAuthorization: 'Bearer one' }));
    expect(seen).toEqual([{ Authorization: 'Bearer one' }, { Authorization: 'Bearer two' }]);

    const plain = build({ open }, { target: gatewayOf({ passthroughAuth: false }) });
    seen.length = 0;
    await plain.callTool('g1', 'count', {}, clientContext({ upstreamAuthorization: 'Bearer one' }));
    expect(seen).toEqual([undefined]);
  });
});
