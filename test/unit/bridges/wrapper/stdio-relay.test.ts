// The wrapper's relay between an MCP client and a real Streamable HTTP server (SDK v2 McpServer in this process).
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/client';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { InMemoryTransport, McpServer } from '@modelcontextprotocol/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rpcCodeOf } from '../../../../src/errors/codes.js';
import { runStdioRelay } from '../../../../src/bridges/wrapper/stdio-relay.js';
import { UpstreamLink } from '../../../../src/bridges/wrapper/upstream-link.js';

/** A gateway stand-in: one McpServer per session, a record of what arrived, and a way to forget every session. */
function startUpstream() {
  const sessions = new Map<string, NodeStreamableHTTPServerTransport>();
  const seen = { authorization: new Set<string>(), initializes: 0 };
  let reject401 = false;
  const http: Server = createServer((req, res) => {
    seen.authorization.add(req.headers.authorization ?? '(none)');
    if (reject401) {
      res.writeHead(401).end();
      return;
    }
    const id = req.headers['mcp-session-id'];
    const existing = typeof id === 'string' ? sessions.get(id) : undefined;
    if (typeof id === 'string' && existing === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } }),
      );
      return;
    }
    if (existing !== undefined) return void existing.handleRequest(req, res);
    seen.initializes++;
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sid) => void sessions.set(sid, transport),
    });
    const server = new McpServer({ name: 'upstream', version: '1.0.0' });
    server.registerTool('echo', { inputSchema: z.object({ message: z.string() }) }, ({ message }) => ({
      content: [{ type: 'text', text: `Echo: ${message}` }],
    }));
    server.registerTool('hang', {}, () => new Promise<never>(() => undefined));
    void server.connect(transport).then(() => transport.handleRequest(req, res));
  });
  return {
    seen,
    forgetSessions: () => sessions.clear(),
    rejectWith401: () => (reject401 = true),
    listen: () =>
      new Promise<string>((resolve) =>
        http.listen(0, '127.0.0.1', () =>
          resolve(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`),
        ),
      ),
    close: () => {
      http.closeAllConnections();
      return new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

describe('stdio relay', () => {
  let upstream: ReturnType<typeof startUpstream>;
  let client: Client;
  let relayDone: Promise<void>;
  const logs: string[] = [];

  async function connect(requestTimeoutMs = 0): Promise<void> {
    const url = new URL(await upstream.listen());
    const [clientSide, relaySide] = InMemoryTransport.createLinkedPair();
    relayDone = runStdioRelay({
      downstream: relaySide,
      connectUpstream: (onMessage) =>
        new UpstreamLink({
          url,
          headers: { authorization: 'Bearer unit-token' },
          onMessage,
          log: (l) => logs.push(l),
        }),
      requestTimeoutMs,
      log: (l) => logs.push(l),
    });
    client = new Client({ name: 'desktop', version: '1.0.0' });
    await client.connect(clientSide);
  }

  beforeEach(() => {
    upstream = startUpstream();
    logs.length = 0;
  });

  afterEach(async () => {
    await client.close();
    await relayDone;
    await upstream.close();
  });

  it('relays tools/list and tools/call and sends MCP_AUTH on every request', async () => {
    await connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['echo', 'hang']);
    const result = await client.callTool({ name: 'echo', arguments: { message: 'hi' } });
    expect(result.content).toEqual([{ type: 'text', text: 'Echo: hi' }]);
    expect([...upstream.seen.authorization]).toEqual(['Bearer unit-token']);
  });

  it('answers a request the gateway leaves unanswered with a Timeout error', async () => {
    await connect(200);
    const error = await client.callTool({ name: 'hang', arguments: {} }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: rpcCodeOf('Timeout') });
    expect(String(error)).toMatch(/did not answer within 0.2s/);
  });

  it('re-initializes once, unseen by the client, when the gateway forgot the session', async () => {
    await connect();
    await client.callTool({ name: 'echo', arguments: { message: 'before' } });
    upstream.forgetSessions();
    const result = await client.callTool({ name: 'echo', arguments: { message: 'after' } });
    expect(result.content).toEqual([{ type: 'text', text: 'Echo: after' }]);
    expect(upstream.seen.initializes).toBe(2);
    expect(logs.join('\n')).toContain('initializing a new one');
  });

  it('turns a 401 from the gateway into an Unauthorized error for the client', async () => {
    await connect();
    upstream.rejectWith401();
    const error = await client.listTools().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: rpcCodeOf('Unauthorized') });
    expect(String(error)).toContain('HTTP 401');
  });
});
