// The spec's security rules on every MCP endpoint: Origin, Host (DNS rebinding), bearer auth, before any session logic.
import { afterEach, describe, expect, it } from 'vitest';
import { auth, buildMcpTestApp, type McpTestApp } from '../../helpers/mcp-app.js';
import { MemoryCatalog } from '../../helpers/memory-catalog.js';

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};

/** One request per MCP endpoint, shaped so that with good credentials it would reach session logic. */
const ENDPOINTS: { name: string; method: 'GET' | 'POST'; url: string; body?: unknown }[] = [
  { name: 'Streamable HTTP', method: 'POST', url: '/mcp', body: initialize },
  { name: 'Streamable HTTP (server)', method: 'POST', url: '/servers/s1/mcp', body: initialize },
  { name: 'Streamable HTTP GET', method: 'GET', url: '/mcp' },
  { name: 'legacy SSE', method: 'GET', url: '/sse' },
  { name: 'legacy SSE (server)', method: 'GET', url: '/servers/s1/sse' },
  { name: 'legacy SSE message', method: 'POST', url: '/message?session_id=x', body: initialize },
  {
    name: 'legacy SSE message (server)',
    method: 'POST',
    url: '/servers/s1/message?session_id=x',
    body: initialize,
  },
  { name: '/rpc', method: 'POST', url: '/rpc', body: { jsonrpc: '2.0', id: 1, method: 'ping' } },
];

describe('MCP endpoint security', () => {
  let h: McpTestApp;
  afterEach(() => h.close());
  const build = async (env: Record<string, string> = {}) =>
    (h = await buildMcpTestApp({ env, catalog: new MemoryCatalog().addServer('s1') }));
  const send = (e: (typeof ENDPOINTS)[number], headers: Record<string, string>) =>
    h.app.inject({
      method: e.method,
      url: e.url,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...headers,
      },
      ...(e.body === undefined ? {} : { payload: JSON.stringify(e.body) }),
    });

  it.each(ENDPOINTS)('$name: 401 with a WWW-Authenticate challenge without credentials', async (e) => {
    await build();
    const res = await send(e, {});
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="mcpgateway"');
    expect(res.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32001 } });
  });

  it.each(ENDPOINTS)('$name: 403 for a foreign Origin, before authentication', async (e) => {
    await build();
    for (const origin of [
      'https://evil.example',
      'null',
      'http://localhost.evil.example',
      'javascript:alert(1)',
    ]) {
      const res = await send(e, { origin, ...auth() });
      expect(res.statusCode, origin).toBe(403);
      expect((await send(e, { origin })).statusCode, `${origin} without token`).toBe(403);
    }
  });

  it('allows no Origin (non-browser clients), the same host, and ALLOWED_ORIGINS', async () => {
    await build({ ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:3000' });
    const ok = async (headers: Record<string, string>) =>
      (await send(ENDPOINTS[0]!, { ...auth(), ...headers })).statusCode;
    expect(await ok({})).toBe(200);
    expect(await ok({ host: 'localhost:4444', origin: 'http://localhost:4444' })).toBe(200);
    expect(await ok({ origin: 'https://app.example.com' })).toBe(200);
    expect(await ok({ origin: 'http://localhost:3000' })).toBe(200);
    expect(await ok({ origin: 'http://localhost:3001' })).toBe(403);
    expect(await ok({ origin: 'http://app.example.com' })).toBe(403);
  });

  it('refuses a foreign Host when bound to loopback (DNS rebinding), and not when bound to all interfaces', async () => {
    await build({ HOST: '127.0.0.1' });
    const status = async (host: string) => (await send(ENDPOINTS[0]!, { ...auth(), host })).statusCode;
    expect(await status('rebind.attacker.example:4444')).toBe(403);
    expect(await status('localhost:4444')).toBe(200);
    expect(await status('127.0.0.1:4444')).toBe(200);
    expect(await status('[::1]:4444')).toBe(200);
    await h.close();
    await build({ HOST: '0.0.0.0' });
    expect(await status('gateway.internal.example:4444')).toBe(200);
  });

  it('a foreign Origin never gets a session', async () => {
    await build();
    const res = await send(ENDPOINTS[0]!, { ...auth(), origin: 'https://evil.example' });
    expect(res.statusCode).toBe(403);
    expect(res.headers['mcp-session-id']).toBeUndefined();
    expect(await h.sessions.listByPrincipal('alice@example.com')).toEqual([]);
  });
});
