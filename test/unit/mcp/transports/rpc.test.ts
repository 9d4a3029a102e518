// /rpc: one JSON-RPC request per POST, no session, ContextForge's tool-name-as-method form.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, buildMcpTestApp, type McpTestApp } from '../../../helpers/mcp-app.js';
import { MemoryCatalog } from '../../../helpers/memory-catalog.js';

describe('/rpc', () => {
  let h: McpTestApp;
  beforeEach(async () => {
    h = await buildMcpTestApp({
      catalog: new MemoryCatalog()
        .addTool({ name: 'get_time' }, (args) =>
          Promise.resolve({ content: [{ type: 'text', text: `time in ${String(args.timezone)}` }] }),
        )
        .addResource({ uri: 'file:///a', name: 'a' }, 'A')
        .addPrompt({ name: 'greet' }, 'Hi {{ who }}'),
    });
  });
  afterEach(() => h.close());

  const rpc = (body: unknown, headers: Record<string, string> = {}) =>
    h.app.inject({
      method: 'POST',
      url: '/rpc',
      headers: { 'content-type': 'application/json', ...auth(), ...headers },
      payload: JSON.stringify(body),
    });

  it('lists and calls tools, reads resources, renders prompts', async () => {
    expect((await rpc({ jsonrpc: '2.0', id: 1, method: 'tools/list' })).json()).toMatchObject({
      id: 1,
      result: { tools: [{ name: 'get_time' }] },
    });
    expect(
      (
        await rpc({
          jsonrpc: '2.0',
          id: 2,
          method: 'tools/call',
          params: { name: 'get_time', arguments: { timezone: 'UTC' } },
        })
      ).json(),
    ).toMatchObject({ id: 2, result: { content: [{ text: 'time in UTC' }] } });
    expect(
      (await rpc({ jsonrpc: '2.0', id: 3, method: 'resources/read', params: { uri: 'file:///a' } })).json(),
    ).toMatchObject({
      result: { contents: [{ text: 'A' }] },
    });
    expect(
      (
        await rpc({
          jsonrpc: '2.0',
          id: 4,
          method: 'prompts/get',
          params: { name: 'greet', arguments: { who: 'you' } },
        })
      ).json(),
    ).toMatchObject({
      result: { messages: [{ content: { text: 'Hi you' } }] },
    });
  });

  it('calls a tool named as the method, as ContextForge does', async () => {
    const res = await rpc({
      jsonrpc: '2.0',
      id: 5,
      method: 'get_time',
      params: { timezone: 'Europe/Dublin' },
    });
    expect(res.json()).toMatchObject({ id: 5, result: { content: [{ text: 'time in Europe/Dublin' }] } });
    expect((await rpc({ jsonrpc: '2.0', id: 6, method: 'no_such_tool' })).json()).toMatchObject({
      error: { code: -32602 },
    });
  });

  it('keeps no session: session-only methods are not found, notifications are accepted', async () => {
    expect(
      (
        await rpc({ jsonrpc: '2.0', id: 7, method: 'resources/subscribe', params: { uri: 'file:///a' } })
      ).json(),
    ).toMatchObject({
      error: { code: -32601 },
    });
    expect((await rpc({ jsonrpc: '2.0', method: 'notifications/initialized' })).statusCode).toBe(202);
    const res = await rpc({
      jsonrpc: '2.0',
      id: 8,
      method: 'initialize',
      params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'c', version: '1' } },
    });
    expect(res.json()).toMatchObject({ result: { protocolVersion: '2025-03-26' } });
    expect(res.headers['mcp-session-id']).toBeUndefined();
  });

  it('takes one request per POST and bounded JSON', async () => {
    expect((await rpc([{ jsonrpc: '2.0', id: 1, method: 'ping' }])).statusCode).toBe(400);
    const deep = await h.app.inject({
      method: 'POST',
      url: '/rpc',
      headers: { 'content-type': 'application/json', ...auth() },
      payload: `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
    });
    expect(deep.statusCode).toBe(400);
    expect(deep.json()).toMatchObject({ error: { code: -32700 } });
  });
});
