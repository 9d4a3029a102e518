// The stateless 2026-07-28 revision on the Streamable HTTP endpoints: envelope, standard headers, -32020/-32022.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, buildMcpTestApp, type McpTestApp } from '../../../helpers/mcp-app.js';
import { MemoryCatalog } from '../../../helpers/memory-catalog.js';

const envelope = (version = '2026-07-28') => ({
  'io.modelcontextprotocol/protocolVersion': version,
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
});

describe('stateless 2026-07-28 over HTTP', () => {
  let h: McpTestApp;
  beforeEach(async () => {
    h = await buildMcpTestApp({
      catalog: new MemoryCatalog()
        .addServer('s1')
        .addTool({ name: 'echo' }, undefined, { servers: ['s1'] })
        .addTool({ name: 'add' }),
    });
  });
  afterEach(() => h.close());

  const call = (
    method: string,
    params: Record<string, unknown> = {},
    headers: Record<string, string> = {},
    url = '/mcp',
    version = '2026-07-28',
  ) =>
    h.app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': version,
        'mcp-method': method,
        ...auth(),
        ...headers,
      },
      payload: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method,
        params: { ...params, _meta: envelope(version) },
      }),
    });

  it('serves a request without handshake or session', async () => {
    const res = await call('tools/list', {}, {}, '/servers/s1/mcp');
    expect(res.statusCode).toBe(200);
    expect(res.headers['mcp-session-id']).toBeUndefined();
    expect(res.json()).toMatchObject({ result: { tools: [{ name: 'echo' }], resultType: 'complete' } });
    const tool = await call('tools/call', { name: 'add', arguments: { a: 1 } }, { 'mcp-name': 'add' });
    expect(tool.json()).toMatchObject({
      result: { content: [{ type: 'text', text: 'add:{"a":1}' }], resultType: 'complete' },
    });
    expect(await h.sessions.listByPrincipal('alice@example.com')).toEqual([]);
  });

  it('answers server/discover with every revision it serves', async () => {
    const res = await call('server/discover');
    expect(res.json()).toMatchObject({
      result: {
        supportedVersions: ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26'],
        capabilities: { tools: {} },
      },
    });
  });

  it('rejects an Mcp-Method header that disagrees with the body: HTTP 400, -32020', async () => {
    const res = await call('tools/list', {}, { 'mcp-method': 'prompts/list' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: -32020 } });
  });

  it('rejects a missing or disagreeing Mcp-Name on tools/call: HTTP 400, -32020', async () => {
    const missing = await call('tools/call', { name: 'add' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: { code: -32020 } });
    const wrong = await call('tools/call', { name: 'add' }, { 'mcp-name': 'echo' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ error: { code: -32020 } });
    const encoded = await call(
      'tools/call',
      { name: 'add' },
      { 'mcp-name': `=?base64?${Buffer.from('add').toString('base64')}?=` },
    );
    expect(encoded.statusCode).toBe(200);
  });

  it('rejects a missing Mcp-Method and a header/body protocol version mismatch with -32020', async () => {
    const noMethod = await h.app.inject({
      method: 'POST',
      url: '/mcp',
      headers: { 'content-type': 'application/json', 'mcp-protocol-version': '2026-07-28', ...auth() },
      payload: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: envelope() } }),
    });
    expect(noMethod.json()).toMatchObject({ error: { code: -32020 } });
    const mismatch = await call('tools/list', {}, { 'mcp-protocol-version': '2025-11-25' });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json()).toMatchObject({ error: { code: -32020 } });
  });

  it('answers a revision it does not serve with -32022 naming the supported ones', async () => {
    const res = await call('tools/list', {}, {}, '/mcp', '2099-01-01');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: {
        code: -32022,
        data: { supported: expect.arrayContaining(['2026-07-28']), requested: '2099-01-01' },
      },
    });
  });

  it('has no session methods: initialize with a modern envelope is method-not-found', async () => {
    const res = await call('logging/setLevel', { level: 'debug' });
    expect(res.json()).toMatchObject({ error: { code: -32601 } });
  });

  it('answers 404 for an unknown virtual server', async () => {
    expect((await call('tools/list', {}, {}, '/servers/ghost/mcp')).statusCode).toBe(404);
  });
});
