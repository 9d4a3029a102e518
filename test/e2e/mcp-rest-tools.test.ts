// A registry of REST tools, prompts and resources served over MCP to the v1 SDK client on every transport,
// with the failure cases a user meets: invalid arguments, a dead upstream, a timeout, a cancelled call.
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { createTokenSigner } from '../../src/auth/jwt.js';
import { testConfig } from '../../src/config/load.js';
import { startGateway, type Gateway } from '../../src/main.js';

interface Upstream {
  url: string;
  server: Server;
  /** Requests that reached the slow endpoint and were then closed by the caller. */
  aborted: number;
}

async function startUpstream(): Promise<Upstream> {
  const state: Upstream = { url: '', server: createServer(), aborted: 0 };
  state.server.on('request', (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/slow') {
        res.on('close', () => {
          if (!res.writableEnded) state.aborted++;
        });
        setTimeout(() => res.end('late'), 10_000).unref();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          body: body ? JSON.parse(body) : null,
        }),
      );
    });
  });
  await new Promise<void>((r) => state.server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`;
  return state;
}

describe('REST tools over MCP (SDK v1 client, real sockets)', () => {
  let gw: Gateway;
  let upstream: Upstream;
  let token: string;
  let serverId: string;
  let deadPort: number;

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${gw.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await res.json()) as Record<string, unknown> & { id: string };
  };
  const requestInit = () => ({ headers: { Authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    upstream = await startUpstream();
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    deadPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const config = testConfig({
      SSRF_ALLOW_LOCALHOST: 'true',
      PORT: '0',
      CACHE_TYPE: 'memory',
      DATABASE_URL: `sqlite:///${join(mkdtempSync(join(tmpdir(), 'mcpgw-e2e-')), 'e2e.db')}`,
    });
    gw = await startGateway({ config, logger: false });
    token = await createTokenSigner(config).sign({
      username: 'e2e@example.com',
      expMinutes: 60,
      admin: true,
    });
    const schema = { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] };
    const tools = [
      await api('POST', '/tools', {
        name: 'get_item',
        url: `${upstream.url}/items/{id}`,
        request_type: 'GET',
        input_schema: schema,
      }),
      await api('POST', '/tools', {
        name: 'dead',
        url: `http://127.0.0.1:${deadPort}/x`,
        request_type: 'POST',
      }),
      await api('POST', '/tools', {
        name: 'slow',
        url: `${upstream.url}/slow`,
        request_type: 'GET',
        timeout_ms: 500,
      }),
      await api('POST', '/tools', {
        name: 'slow_long',
        url: `${upstream.url}/slow`,
        request_type: 'GET',
        timeout_ms: 30_000,
      }),
    ];
    const prompt = await api('POST', '/prompts', { name: 'greet', template: 'Hello {{ who | title }}!' });
    const resource = await api('POST', '/resources', {
      uri: 'docs://readme',
      name: 'readme',
      mime_type: 'text/markdown',
      content: '# Readme',
    });
    serverId = (
      await api('POST', '/servers', {
        name: 'e2e',
        associated_tools: tools.map((t) => t.id),
        associated_prompts: [prompt.id],
        associated_resources: [resource.id],
      })
    ).id;
    // Node 20 has no global WebSocket, which the v1 client uses; the token travels as ?token= (as ContextForge's /ws).
    (globalThis as { WebSocket?: unknown }).WebSocket = NodeWebSocket;
  }, 60_000);

  afterAll(async () => {
    delete (globalThis as { WebSocket?: unknown }).WebSocket;
    await gw?.close();
    upstream?.server.closeAllConnections();
    upstream?.server.close();
  });

  const transports = () => ({
    'Streamable HTTP': new StreamableHTTPClientTransport(new URL(`${gw.url}/servers/${serverId}/mcp`), {
      requestInit: requestInit(),
    }),
    'legacy SSE': new SSEClientTransport(new URL(`${gw.url}/servers/${serverId}/sse`), {
      requestInit: requestInit(),
      eventSourceInit: {
        fetch: (url, init) =>
          fetch(url, {
            ...init,
            headers: { ...(init?.headers as Record<string, string>), Authorization: `Bearer ${token}` },
          }),
      },
    }),
    WebSocket: new WebSocketClientTransport(
      new URL(`${gw.url.replace('http', 'ws')}/ws?server_id=${serverId}&token=${token}`),
    ),
  });

  for (const name of ['Streamable HTTP', 'legacy SSE', 'WebSocket'] as const) {
    it(`lists and calls a REST tool, renders a prompt and reads a resource over ${name}`, async () => {
      const client = new Client({ name: 'e2e', version: '1' });
      await client.connect(transports()[name]);
      try {
        expect((await client.listTools()).tools.map((t) => t.name)).toEqual([
          'dead',
          'get_item',
          'slow',
          'slow_long',
        ]);
        const result = await client.callTool({ name: 'get_item', arguments: { id: 42 } });
        expect(JSON.parse((result.content as Array<{ text: string }>)[0]!.text)).toMatchObject({
          path: '/items/42',
        });
        expect(
          (await client.getPrompt({ name: 'greet', arguments: { who: 'ada' } })).messages[0]?.content,
        ).toEqual({ type: 'text', text: 'Hello Ada!' });
        expect((await client.readResource({ uri: 'docs://readme' })).contents[0]).toMatchObject({
          text: '# Readme',
        });
      } finally {
        await client.close();
      }
    });
  }

  it('answers over /rpc without a session', async () => {
    const res = await fetch(`${gw.url}/rpc`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'get_item', arguments: { id: 1 } },
      }),
    });
    const body = (await res.json()) as { id: number; result: { content: Array<{ text: string }> } };
    expect(body.id).toBe(7);
    expect(JSON.parse(body.result.content[0]!.text)).toMatchObject({ path: '/items/1' });
  });

  it('reports invalid arguments, a dead upstream and a timeout as tool errors, and keeps serving', async () => {
    const client = new Client({ name: 'e2e', version: '1' });
    await client.connect(transports()['Streamable HTTP']);
    try {
      const invalid = await client.callTool({ name: 'get_item', arguments: { id: 'forty-two' } });
      expect(invalid.isError).toBe(true);
      expect((invalid.content as Array<{ text: string }>)[0]!.text).toMatch(
        /Invalid arguments: \/id must be integer/,
      );

      const dead = await client.callTool({ name: 'dead', arguments: {} });
      expect(dead.isError).toBe(true);
      expect((dead.content as Array<{ text: string }>)[0]!.text).toContain(
        `connection refused to 127.0.0.1:${deadPort}`,
      );

      const started = Date.now();
      const slow = await client.callTool({ name: 'slow', arguments: {} });
      expect(slow.isError).toBe(true);
      expect((slow.content as Array<{ text: string }>)[0]!.text).toContain('timed out after 500 ms');
      expect(Date.now() - started).toBeLessThan(5000);

      await expect(client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow(/Unknown tool/);
      expect((await client.callTool({ name: 'get_item', arguments: { id: 2 } })).isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });

  it('aborts the upstream request when the client cancels the call', async () => {
    const client = new Client({ name: 'e2e', version: '1' });
    await client.connect(transports()['Streamable HTTP']);
    try {
      const before = upstream.aborted;
      const controller = new AbortController();
      const call = client.callTool({ name: 'slow_long', arguments: {} }, undefined, {
        signal: controller.signal,
      });
      await new Promise((r) => setTimeout(r, 300));
      controller.abort('user pressed stop');
      await expect(call).rejects.toThrow();
      await expect.poll(() => upstream.aborted, { timeout: 5000 }).toBe(before + 1);
    } finally {
      await client.close();
    }
  });

  it('tells an open session when a tool is added through the API, and counts every call', async () => {
    const client = new Client({ name: 'e2e', version: '1' });
    let changed = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      changed++;
    });
    await client.connect(transports()['Streamable HTTP']);
    try {
      await client.listTools();
      await api('POST', '/tools', { name: 'added_later', url: `${upstream.url}/later` });
      await expect.poll(() => changed, { timeout: 5000 }).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
    // Buffered metrics reach the table within the recorder's flush interval.
    const callsOf = async (name: string) => {
      const tools = (await api('GET', '/tools')) as unknown as Array<{
        name: string;
        metrics: { totalExecutions: number };
      }>;
      return tools.find((t) => t.name === name)?.metrics.totalExecutions;
    };
    await expect.poll(() => callsOf('get_item'), { timeout: 5000 }).toBeGreaterThanOrEqual(5);
    const server = await api('GET', `/servers/${serverId}`);
    expect((server.metrics as { totalExecutions: number }).totalExecutions).toBeGreaterThan(0);
  });
});
