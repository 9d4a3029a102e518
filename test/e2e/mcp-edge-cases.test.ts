// Wire-level behaviour over real sockets: duplicate ids, Last-Event-ID resumption, keep-alives, pagination, WS guards.
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as HttpV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { buildMcpTestApp, type McpTestApp } from '../helpers/mcp-app.js';
import { fixtureCatalog } from '../helpers/mcp-fixture.js';

const authz = { authorization: 'Bearer alice' };
const JSON_SSE = {
  ...authz,
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comment?: string;
}

/** Parses an SSE body as it arrives, yielding events and comments. */
async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event: SseEvent = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) event.comment = line.slice(1).trim();
        else if (line.startsWith('id: ')) event.id = line.slice(4);
        else if (line.startsWith('event: ')) event.event = line.slice(7);
        else if (line.startsWith('retry: ')) event.retry = line.slice(7);
        else if (line.startsWith('data: '))
          event.data = (event.data === undefined ? '' : `${event.data}\n`) + line.slice(6);
      }
      yield event;
    }
  }
}

function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('MCP wire behaviour over real sockets', () => {
  let h: McpTestApp;
  let base: string;
  const hangStarted = signal();
  const pausing = { reached: signal(), release: signal() };

  beforeAll(async () => {
    const catalog = fixtureCatalog();
    catalog.addTool({ name: 'hang' }, (_args, ctx) => {
      hangStarted.resolve();
      return new Promise((_resolve, reject) =>
        ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    });
    catalog.addTool({ name: 'pausing' }, async (_args, ctx) => {
      await ctx.sendNotification({
        method: 'notifications/progress',
        params: { progressToken: ctx.progressToken!, progress: 1 },
      });
      pausing.reached.resolve();
      await pausing.release.promise;
      return { content: [{ type: 'text', text: 'finished while you were away' }] };
    });
    for (const n of [1, 2, 3, 4, 5]) catalog.addTool({ name: `page-${n}` });
    h = await buildMcpTestApp({ catalog, limits: { pageSize: 2 } });
    base = await h.listen();
  });
  afterAll(() => h.close());

  const post = (body: unknown, headers: Record<string, string> = {}, init: RequestInit = {}) =>
    fetch(new URL('/mcp', base), {
      method: 'POST',
      headers: { ...JSON_SSE, ...headers },
      body: JSON.stringify(body),
      ...init,
    });

  async function openSession(): Promise<string> {
    const res = await post({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    expect(res.status).toBe(200);
    return res.headers.get('mcp-session-id')!;
  }

  it('answers a second request with an id still in flight at once, over HTTP', async () => {
    const session = await openSession();
    const sid = { 'mcp-session-id': session };
    const call = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'hang', arguments: {} } };
    const first = post(call, sid);
    await hangStarted.promise;
    const second = await post(call, sid);
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ id: 7, error: { code: -32600 } });
    // The first is still alive and cancellable; once cancelled it ends without a response (spec).
    const cancel = await post(
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7 } },
      sid,
    );
    expect(cancel.status).toBe(202);
    expect((await first).status).toBe(202);
  });

  it('resumes a broken POST stream with Last-Event-ID and delivers the response it missed', async () => {
    const session = await openSession();
    const sid = { 'mcp-session-id': session };
    const dropped = new AbortController();
    const res = await post(
      {
        jsonrpc: '2.0',
        id: 'long',
        method: 'tools/call',
        params: { name: 'pausing', _meta: { progressToken: 'p' } },
      },
      sid,
      { signal: dropped.signal },
    );
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = sseEvents(res.body!);
    // A 2025-11-25 session: the stream opens with a priming event (SEP-1699) before the progress.
    const priming = (await events.next()).value as SseEvent;
    expect(priming).toMatchObject({
      id: expect.any(String),
      data: '',
      retry: expect.stringMatching(/^\d+$/),
    });
    const progress = (await events.next()).value as SseEvent;
    expect(JSON.parse(progress.data!)).toMatchObject({ method: 'notifications/progress' });
    expect(progress.id).toBeDefined();
    await pausing.reached.promise;
    dropped.abort();
    pausing.release.resolve();

    const resumed = await fetch(new URL('/mcp', base), {
      headers: { ...authz, accept: 'text/event-stream', 'last-event-id': progress.id!, ...sid },
    });
    expect(resumed.status).toBe(200);
    const replay: SseEvent[] = [];
    for await (const event of sseEvents(resumed.body!)) if (event.data) replay.push(event);
    expect(replay.map((e) => JSON.parse(e.data!) as unknown)).toEqual([
      {
        jsonrpc: '2.0',
        id: 'long',
        result: { content: [{ type: 'text', text: 'finished while you were away' }] },
      },
    ]);
  });

  it('sends keep-alive comments on an idle legacy SSE stream and names the message endpoint', async () => {
    const closed = new AbortController();
    const res = await fetch(new URL('/servers/s1/sse', base), {
      headers: { ...authz, accept: 'text/event-stream' },
      signal: closed.signal,
    });
    const events = sseEvents(res.body!);
    const endpoint = (await events.next()).value as SseEvent;
    expect(endpoint).toMatchObject({
      event: 'endpoint',
      data: expect.stringMatching(/^\/servers\/s1\/message\?session_id=[\w-]+$/),
    });
    let next = (await events.next()).value as SseEvent;
    while (next.comment === undefined) next = (await events.next()).value as SseEvent;
    expect(next.comment).toBe('keep-alive');
    closed.abort();
  });

  it('binds a legacy SSE session to its principal: another one posting to it gets 404', async () => {
    const closed = new AbortController();
    const res = await fetch(new URL('/sse', base), {
      headers: { ...authz, accept: 'text/event-stream' },
      signal: closed.signal,
    });
    const endpoint = (await sseEvents(res.body!).next()).value as SseEvent;
    const message = (who: string) =>
      fetch(new URL(endpoint.data!, base), {
        method: 'POST',
        headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      });
    expect((await message('mallory')).status).toBe(404);
    expect((await message('alice')).status).toBe(202);
    closed.abort();
  });

  it('pages tools/list with cursors a real client follows', async () => {
    const client = new ClientV1({ name: 'pager', version: '1' });
    await client.connect(new HttpV1(new URL('/mcp', base), { requestInit: { headers: authz } }));
    const names: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor });
      names.push(...page.tools.map((t) => t.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(names).toEqual([
      'add',
      'echo',
      'hang',
      'page-1',
      'page-2',
      'page-3',
      'page-4',
      'page-5',
      'pausing',
    ]);
    expect(pages).toBe(5);
    await client.close();
  });

  describe('WebSocket', () => {
    const wsUrl = (path: string) => new URL(path, base.replace('http', 'ws'));

    /** The HTTP status of a refused upgrade, or 101 when it was accepted. */
    const upgradeStatus = (path: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const ws = new NodeWebSocket(wsUrl(path), 'mcp', { headers });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => (ws.close(), resolve(101)));
        ws.on('error', reject);
      });

    it('checks auth, Origin and the server id before upgrading', async () => {
      expect(await upgradeStatus('/ws', {})).toBe(401);
      expect(await upgradeStatus('/ws', { ...authz, origin: 'https://evil.example' })).toBe(403);
      expect(await upgradeStatus('/ws', { ...authz, origin: 'null' })).toBe(403);
      expect(await upgradeStatus('/ws?server_id=ghost', authz)).toBe(404);
      expect(await upgradeStatus('/ws?server_id=s1', authz)).toBe(101);
      // Browsers cannot set Authorization on a WebSocket: ?token= carries the same bearer token.
      expect(await upgradeStatus('/ws?token=alice', {})).toBe(101);
    });

    it('answers deep JSON and duplicate in-flight ids with errors and keeps the connection', async () => {
      const ws = new NodeWebSocket(wsUrl('/ws'), 'mcp', { headers: authz });
      const inbox: unknown[] = [];
      const waiters: (() => void)[] = [];
      ws.on('message', (data: Buffer) => {
        inbox.push(JSON.parse(data.toString()));
        waiters.shift()?.();
      });
      const next = async (): Promise<unknown> => {
        if (inbox.length === 0) await new Promise<void>((r) => waiters.push(r));
        return inbox.shift();
      };
      await new Promise((r) => ws.once('open', r));
      ws.send(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
      expect(await next()).toMatchObject({ id: null, error: { code: -32700 } });
      const hang = JSON.stringify({
        jsonrpc: '2.0',
        id: 'dup',
        method: 'tools/call',
        params: { name: 'hang' },
      });
      ws.send(hang);
      ws.send(hang);
      expect(await next()).toMatchObject({ id: 'dup', error: { code: -32600 } });
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: 'p', method: 'ping' }));
      expect(await next()).toMatchObject({ id: 'p', result: {} });
      ws.close();
    });
  });
});
