// Real MCP clients (SDK v1 and v2) over real sockets on every transport: list and call tools, read, get prompts.
import {
  Client as ClientV2,
  SSEClientTransport as SseV2,
  StreamableHTTPClientTransport as HttpV2,
} from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport as SseV1 } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport as HttpV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { WebSocketClientTransport as WsV1 } from '@modelcontextprotocol/sdk/client/websocket.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { buildMcpTestApp, type McpTestApp } from '../helpers/mcp-app.js';
import { fixtureCatalog } from '../helpers/mcp-fixture.js';

const headers = { Authorization: 'Bearer alice' };

/** What a client needs to do against a server-scoped endpoint; the global endpoint adds `add`. */
interface McpClientLike {
  listTools(): Promise<{ tools: { name: string }[] }>;
  callTool(p: { name: string; arguments: Record<string, unknown> }): Promise<unknown>;
  readResource(p: { uri: string }): Promise<unknown>;
  getPrompt(p: { name: string; arguments: Record<string, string> }): Promise<unknown>;
  close(): Promise<void>;
}

async function exercise(client: McpClientLike, scoped: boolean): Promise<void> {
  const tools = (await client.listTools()).tools.map((t) => t.name);
  expect(tools).toEqual(scoped ? ['echo'] : ['add', 'echo']);
  expect(await client.callTool({ name: 'echo', arguments: { text: 'hi there' } })).toMatchObject({
    content: [{ type: 'text', text: 'hi there' }],
  });
  expect(await client.readResource({ uri: 'file:///readme' })).toMatchObject({
    contents: [{ uri: 'file:///readme', text: '# Billing' }],
  });
  expect(await client.getPrompt({ name: 'greet', arguments: { who: 'world' } })).toMatchObject({
    messages: [{ role: 'user', content: { type: 'text', text: 'Hello world' } }],
  });
  await client.close();
}

describe('MCP clients over real sockets', () => {
  let h: McpTestApp;
  let base: string;
  beforeAll(async () => {
    h = await buildMcpTestApp({ catalog: fixtureCatalog() });
    base = await h.listen();
    // Node 20 has no global WebSocket; the v1 client uses the global, so give it ws (with our header).
    (globalThis as { WebSocket?: unknown }).WebSocket = class extends NodeWebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols, { headers });
      }
    };
  });
  afterAll(async () => {
    delete (globalThis as { WebSocket?: unknown }).WebSocket;
    await h.close();
  });

  const v1 = () => new ClientV1({ name: 'e2e-v1', version: '1.0.0' });
  const v2 = () => new ClientV2({ name: 'e2e-v2', version: '2.0.0' });

  describe.each([
    ['/servers/s1/mcp', true],
    ['/mcp', false],
  ])('Streamable HTTP %s', (path, scoped) => {
    it('SDK v1 client', async () => {
      const client = v1();
      await client.connect(new HttpV1(new URL(path, base), { requestInit: { headers } }));
      expect(client.getServerVersion()).toMatchObject({ name: scoped ? 'billing' : 'mcpgateway' });
      await exercise(client, scoped);
    });

    it('SDK v2 client (2025-11-25 handshake)', async () => {
      const client = v2();
      await client.connect(new HttpV2(new URL(path, base), { requestInit: { headers } }));
      expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
      await exercise(client, scoped);
    });

    it('SDK v2 client on the stateless 2026-07-28 revision', async () => {
      const before = (await h.sessions.listByPrincipal('alice@example.com')).length;
      const client = new ClientV2(
        { name: 'e2e-v2-modern', version: '2.0.0' },
        { versionNegotiation: { mode: { pin: '2026-07-28' } } },
      );
      await client.connect(new HttpV2(new URL(path, base), { requestInit: { headers } }));
      expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      await exercise(client, scoped);
      // No handshake, no session: nothing was stored for this client.
      expect(await h.sessions.listByPrincipal('alice@example.com')).toHaveLength(before);
    });
  });

  describe.each([
    ['/servers/s1/sse', true],
    ['/sse', false],
  ])('legacy SSE %s', (path, scoped) => {
    it('SDK v1 client', async () => {
      const client = v1();
      await client.connect(new SseV1(new URL(path, base), { requestInit: { headers } }));
      await exercise(client, scoped);
    });

    it('SDK v2 client', async () => {
      const client = v2();
      await client.connect(new SseV2(new URL(path, base), { requestInit: { headers } }));
      await exercise(client, scoped);
    });
  });

  describe.each([
    ['/ws?server_id=s1', true],
    ['/ws', false],
  ])('WebSocket %s', (path, scoped) => {
    it('SDK v1 client', async () => {
      const client = v1();
      await client.connect(new WsV1(new URL(path, base.replace('http', 'ws'))));
      await exercise(client, scoped);
    });
  });

  it('/rpc with plain fetch', async () => {
    const rpc = async (body: unknown) => {
      const res = await fetch(new URL('/rpc', base), {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      return res.json();
    };
    expect(await rpc({ jsonrpc: '2.0', id: 1, method: 'tools/list' })).toMatchObject({
      result: { tools: [{ name: 'add' }, { name: 'echo' }] },
    });
    expect(
      await rpc({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'add', arguments: { a: 2, b: 3 } },
      }),
    ).toMatchObject({
      result: { content: [{ text: '5' }] },
    });
    expect(
      await rpc({ jsonrpc: '2.0', id: 3, method: 'resources/read', params: { uri: 'file:///readme' } }),
    ).toMatchObject({
      result: { contents: [{ text: '# Billing' }] },
    });
    expect(
      await rpc({
        jsonrpc: '2.0',
        id: 4,
        method: 'prompts/get',
        params: { name: 'greet', arguments: { who: 'rpc' } },
      }),
    ).toMatchObject({
      result: { messages: [{ content: { text: 'Hello rpc' } }] },
    });
  });

  it('leaves no live session behind once clients close', async () => {
    // SSE and WebSocket sessions end with their connection; Streamable HTTP clients DELETE theirs on close()
    // only when they choose to, so only the former are asserted gone.
    const remaining = await h.sessions.listByPrincipal('alice@example.com');
    expect(remaining.filter((s) => s.transport !== 'streamable-http')).toEqual([]);
  });
});
