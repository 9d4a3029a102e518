// Stopping the gateway (what SIGTERM and Ctrl-C run) while a one-second tool call is in flight on every
// transport: each call gets its real result, the upstream never sees an abort, and new requests get 503.
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { createTokenSigner } from '../../src/auth/jwt.js';
import { testConfig } from '../../src/config/load.js';
import { startGateway, type Gateway } from '../../src/main.js';
import { auth, buildMcpTestApp } from '../helpers/mcp-app.js';
import { MemoryCatalog } from '../helpers/memory-catalog.js';

const CALL_MS = 1000;

interface SlowUpstream {
  url: string;
  server: Server;
  started: number;
  /** Requests the caller closed before the answer was written. */
  aborted: number;
}

async function startSlowUpstream(): Promise<SlowUpstream> {
  const state: SlowUpstream = { url: '', server: createServer(), started: 0, aborted: 0 };
  state.server.on('request', (req, res) => {
    const caller = new URL(req.url ?? '/', 'http://x').searchParams.get('caller');
    state.started++;
    res.on('close', () => {
      if (!res.writableEnded) state.aborted++;
    });
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ caller, sleptMs: CALL_MS }));
    }, CALL_MS);
  });
  await new Promise<void>((r) => state.server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`;
  return state;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 5000) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const textOf = (result: unknown): unknown =>
  JSON.parse((result as { content: Array<{ text: string }> }).content[0]?.text ?? 'null');

describe('graceful shutdown (real sockets, SDK v1 clients)', () => {
  let gw: Gateway;
  let upstream: SlowUpstream;
  let token: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    upstream = await startSlowUpstream();
    const config = testConfig({
      SSRF_ALLOW_LOCALHOST: 'true',
      PORT: '0',
      CACHE_TYPE: 'memory',
      SHUTDOWN_GRACE_MS: '8000',
      DATABASE_URL: `sqlite:///${join(mkdtempSync(join(tmpdir(), 'mcpgw-shutdown-')), 'e2e.db')}`,
    });
    gw = await startGateway({ config, logger: false });
    token = await createTokenSigner(config).sign({
      username: 'ops@example.com',
      expMinutes: 60,
      admin: true,
    });
    const created = await fetch(`${gw.url}/tools`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'slow',
        url: `${upstream.url}/slow`,
        request_type: 'GET',
        input_schema: { type: 'object', properties: { caller: { type: 'string' } } },
      }),
    });
    expect(created.status).toBe(201);
    (globalThis as { WebSocket?: unknown }).WebSocket = NodeWebSocket;
  }, 60_000);

  afterAll(async () => {
    delete (globalThis as { WebSocket?: unknown }).WebSocket;
    await Promise.allSettled(clients.map((c) => c.close()));
    upstream?.server.closeAllConnections();
    upstream?.server.close();
  });

  const connect = async (transport: Transport): Promise<Client> => {
    const client = new Client({ name: 'shutdown-e2e', version: '1' });
    clients.push(client);
    await client.connect(transport);
    return client;
  };
  const authHeaders = (): Record<string, string> => ({ Authorization: `Bearer ${token}` });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${gw.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const call = (caller: string) => ({ name: 'slow', arguments: { caller } });

  it('finishes the calls in flight on every transport, then closes; requests after close began get 503', async () => {
    const streamable = await connect(
      new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`), {
        requestInit: { headers: authHeaders() },
      }),
    );
    const sse = await connect(
      new SSEClientTransport(new URL(`${gw.url}/sse`), {
        requestInit: { headers: authHeaders() },
        eventSourceInit: {
          fetch: (url, init) =>
            fetch(url, {
              ...init,
              headers: { ...(init?.headers as Record<string, string>), ...authHeaders() },
            }),
        },
      }),
    );
    const ws = await connect(
      new WebSocketClientTransport(new URL(`${gw.url.replace('http', 'ws')}/ws?token=${token}`)),
    );

    const results = Promise.all([
      streamable.callTool(call('streamable-http')),
      sse.callTool(call('sse')),
      ws.callTool(call('websocket')),
      post('/rpc', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: call('rpc') }).then(
        async (res) => ({ status: res.status, body: (await res.json()) as { result: { content: unknown } } }),
      ),
    ]);
    await until(() => upstream.started === 4, 'the four calls to reach the upstream');

    const closed = gw.close();
    let closeFinished = false;
    void closed.then(() => (closeFinished = true));

    // New work while the calls drain: REST and every MCP entry point answer 503 with a detail.
    const refused = [
      await fetch(`${gw.url}/tools`, { headers: { authorization: `Bearer ${token}` } }),
      await post('/rpc', { jsonrpc: '2.0', id: 2, method: 'tools/call', params: call('late') }),
      await post(
        '/mcp',
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-06-18',
            capabilities: {},
            clientInfo: { name: 'late', version: '1' },
          },
        },
        { accept: 'application/json, text/event-stream' },
      ),
    ];
    for (const res of refused) {
      expect(res.status).toBe(503);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/shutting down/);
    }
    // Alive, but not ready: a load balancer stops sending work here.
    expect(await (await fetch(`${gw.url}/health`)).json()).toEqual({ status: 'healthy' });
    const ready = await fetch(`${gw.url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ detail: 'Shutting down', code: 'Unavailable' });
    const lateSocket = new NodeWebSocket(`${gw.url.replace('http', 'ws')}/ws?token=${token}`);
    const upgradeStatus = await new Promise<number>((resolve) => {
      lateSocket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      lateSocket.on('open', () => resolve(101));
      lateSocket.on('error', () => resolve(0));
    });
    expect(upgradeStatus).toBe(503);
    expect(upstream.started).toBe(4);
    expect(closeFinished).toBe(false);

    const [overStreamable, overSse, overWs, overRpc] = await results;
    expect(textOf(overStreamable)).toEqual({ caller: 'streamable-http', sleptMs: CALL_MS });
    expect(textOf(overSse)).toEqual({ caller: 'sse', sleptMs: CALL_MS });
    expect(textOf(overWs)).toEqual({ caller: 'websocket', sleptMs: CALL_MS });
    expect(overRpc.status).toBe(200);
    expect(textOf(overRpc.body.result)).toEqual({ caller: 'rpc', sleptMs: CALL_MS });
    await closed;
    expect(upstream.aborted).toBe(0);
  }, 30_000);
});

describe('graceful shutdown: a call waiting on its client', () => {
  it("still takes the client's answer to a server-to-client request while draining, then closes", async () => {
    const catalog = new MemoryCatalog().addTool({ name: 'ask' }, async (_args, ctx) => {
      const answer = (await ctx.sendRequest({
        method: 'elicitation/create',
        params: {
          message: 'Proceed?',
          requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } },
        },
      })) as { content?: { ok?: boolean } };
      return { content: [{ type: 'text', text: `ok=${String(answer.content?.ok)}` }] };
    });
    const h = await buildMcpTestApp({ catalog, env: { SHUTDOWN_GRACE_MS: '8000' } });
    await h.listen();
    const client = new Client({ name: 'asked', version: '1' }, { capabilities: { elicitation: {} } });
    let asked!: () => void;
    const wasAsked = new Promise<void>((resolve) => (asked = resolve));
    let closing: Promise<void> | undefined;
    client.setRequestHandler(ElicitRequestSchema, async () => {
      asked();
      // Answer only once the gateway is draining: that answer must still get in.
      await until(() => closing !== undefined, 'shutdown to begin');
      await sleep(100);
      return { action: 'accept', content: { ok: true } };
    });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${h.url}/mcp`), { requestInit: { headers: auth() } }),
    );
    try {
      const result = client.callTool({ name: 'ask', arguments: {} });
      await wasAsked;
      const started = performance.now();
      closing = h.close();
      expect((await result).content).toEqual([{ type: 'text', text: 'ok=true' }]);
      await closing;
      // Drained when the call ended, not at the end of the grace period.
      expect(performance.now() - started).toBeLessThan(4000);
    } finally {
      await client.close();
    }
  }, 30_000);
});
