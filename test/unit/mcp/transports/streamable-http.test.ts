// Streamable HTTP sessions through the app (inject): handshake, session rules, batches, scope, limits.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, buildMcpTestApp, type McpTestApp } from '../../../helpers/mcp-app.js';
import { MemoryCatalog } from '../../../helpers/memory-catalog.js';

const JSON_AND_SSE = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const initialize = (id: number | string = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } },
});

describe('Streamable HTTP sessions', () => {
  let h: McpTestApp;
  beforeEach(async () => {
    const catalog = new MemoryCatalog()
      .addServer('s1', { name: 'billing' })
      .addTool({ name: 'echo' }, undefined, { servers: ['s1'] })
      .addTool({ name: 'add' });
    h = await buildMcpTestApp({ catalog, maxSessionsPerPrincipal: 2 });
  });
  afterEach(() => h.close());

  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    h.app.inject({
      method: 'POST',
      url,
      headers: { ...JSON_AND_SSE, ...auth(), ...headers },
      payload: JSON.stringify(body),
    });

  async function open(url = '/mcp', who = 'alice'): Promise<string> {
    const res = await post(url, initialize(), auth(who));
    expect(res.statusCode).toBe(200);
    const id = res.headers['mcp-session-id'];
    expect(typeof id).toBe('string');
    return id as string;
  }

  it('initializes a session and serves it by Mcp-Session-Id', async () => {
    const res = await post('/mcp', initialize());
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 1, result: { protocolVersion: '2025-06-18' } });
    const session = res.headers['mcp-session-id'] as string;
    expect(
      (
        await post(
          '/mcp',
          { jsonrpc: '2.0', method: 'notifications/initialized' },
          { 'mcp-session-id': session },
        )
      ).statusCode,
    ).toBe(202);
    const list = await post(
      '/mcp',
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' },
    );
    expect(list.json()).toMatchObject({ result: { tools: [{ name: 'add' }, { name: 'echo' }] } });
  });

  it('requires the session header (400) and answers unknown sessions with 404, so clients re-initialize', async () => {
    expect((await post('/mcp', { jsonrpc: '2.0', id: 1, method: 'tools/list' })).statusCode).toBe(400);
    for (const id of ['nope', '__proto__', 'constructor', 'toString']) {
      const res = await post(
        '/mcp',
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        { 'mcp-session-id': id },
      );
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32002 } });
    }
    // The table is intact: a real session still works after the hostile ids.
    const session = await open();
    const res = await post('/mcp', { jsonrpc: '2.0', id: 2, method: 'ping' }, { 'mcp-session-id': session });
    expect(res.json()).toMatchObject({ result: {} });
  });

  it('binds a session to the principal that created it', async () => {
    const session = await open('/mcp', 'alice');
    const res = await post(
      '/mcp',
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      { ...auth('mallory'), 'mcp-session-id': session },
    );
    expect(res.statusCode).toBe(404);
  });

  it('binds a session to the endpoint that created it', async () => {
    const scoped = await open('/servers/s1/mcp');
    expect(
      (await post('/mcp', { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { 'mcp-session-id': scoped }))
        .statusCode,
    ).toBe(404);
    const res = await post(
      '/servers/s1/mcp',
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      { 'mcp-session-id': scoped },
    );
    expect(res.json()).toMatchObject({ result: { tools: [{ name: 'echo' }] } });
  });

  it('answers 404 for a virtual server that does not exist', async () => {
    const res = await post('/servers/ghost/mcp', initialize());
    expect(res.statusCode).toBe(404);
    expect(await h.sessions.listByPrincipal('alice@example.com')).toEqual([]);
  });

  it('rejects an unsupported MCP-Protocol-Version with 400', async () => {
    const session = await open();
    const res = await post(
      '/mcp',
      { jsonrpc: '2.0', id: 2, method: 'ping' },
      { 'mcp-session-id': session, 'mcp-protocol-version': '1999-01-01' },
    );
    expect(res.statusCode).toBe(400);
  });

  it('ends a session on DELETE; it is unknown afterwards', async () => {
    const session = await open();
    const del = await h.app.inject({
      method: 'DELETE',
      url: '/mcp',
      headers: { ...auth(), 'mcp-session-id': session },
    });
    expect(del.statusCode).toBe(200);
    expect(
      (await post('/mcp', { jsonrpc: '2.0', id: 2, method: 'ping' }, { 'mcp-session-id': session }))
        .statusCode,
    ).toBe(404);
  });

  it('expires an idle session after SESSION_TTL (404)', async () => {
    const session = await open();
    h.clock.now += 3600 * 1000;
    expect(
      (await post('/mcp', { jsonrpc: '2.0', id: 2, method: 'ping' }, { 'mcp-session-id': session }))
        .statusCode,
    ).toBe(404);
  });

  it('caps sessions per principal by evicting the least recently used one', async () => {
    const first = await open();
    h.clock.now += 1000;
    const second = await open();
    h.clock.now += 1000;
    await open();
    const ping = (s: string) =>
      post('/mcp', { jsonrpc: '2.0', id: 9, method: 'ping' }, { 'mcp-session-id': s });
    expect((await ping(first)).statusCode).toBe(404);
    expect((await ping(second)).statusCode).toBe(200);
    // Another principal is not affected by alice's count.
    await open('/mcp', 'bob');
    expect((await ping(second)).statusCode).toBe(200);
  });

  it('answers a batch with an array of responses', async () => {
    const session = await open();
    const res = await post(
      '/mcp',
      [
        { jsonrpc: '2.0', id: 'a', method: 'ping' },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', id: 'b', method: 'tools/list' },
      ],
      { 'mcp-session-id': session },
    );
    expect(res.statusCode).toBe(200);
    const body = res.json<{ id: string }[]>();
    expect(body.map((r) => r.id).sort()).toEqual(['a', 'b']);
  });

  it('rejects a second initialize, initialize inside a batch, and malformed messages with 400', async () => {
    const session = await open();
    expect((await post('/mcp', initialize(2), { 'mcp-session-id': session })).statusCode).toBe(400);
    expect((await post('/mcp', [initialize(3), { jsonrpc: '2.0', id: 4, method: 'ping' }])).statusCode).toBe(
      400,
    );
    const bad = await post('/mcp', { jsonrpc: '2.0', id: 5 }, { 'mcp-session-id': session });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: -32600 } });
  });

  it('answers JSON nested 10,000 deep with a parse error, and keeps serving', async () => {
    const deep = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add","arguments":{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}}}`;
    const res = await h.app.inject({
      method: 'POST',
      url: '/mcp',
      headers: { ...JSON_AND_SSE, ...auth() },
      payload: deep,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ id: null, error: { code: -32700 } });
    expect((await post('/mcp', initialize())).statusCode).toBe(200);
  });

  it('refuses bodies that are not JSON (415) and clients that accept neither JSON nor SSE (406)', async () => {
    const text = await h.app.inject({
      method: 'POST',
      url: '/mcp',
      headers: { ...auth(), 'content-type': 'text/plain', accept: 'application/json' },
      payload: '{}',
    });
    expect(text.statusCode).toBe(415);
    const xml = await post('/mcp', initialize(), { accept: 'application/xml' });
    expect(xml.statusCode).toBe(406);
  });

  it('needs a session and an SSE-accepting client for GET', async () => {
    expect(
      (
        await h.app.inject({
          method: 'GET',
          url: '/mcp',
          headers: { ...auth(), accept: 'text/event-stream' },
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (await h.app.inject({ method: 'GET', url: '/mcp', headers: { ...auth(), accept: 'application/json' } }))
        .statusCode,
    ).toBe(406);
    expect(
      (
        await h.app.inject({
          method: 'GET',
          url: '/mcp',
          headers: { ...auth(), accept: 'text/event-stream', 'mcp-session-id': 'nope' },
        })
      ).statusCode,
    ).toBe(404);
  });
});
