// Two gateways on one PostgreSQL: a registry change on A reaches B's MCP clients at once, over LISTEN/NOTIFY
// (CACHE_TYPE=database) or Redis pub/sub (CACHE_TYPE=redis), with REGISTRY_CACHE_TTL far too long to hide it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTokenSigner } from '../../src/auth/jwt.js';
import { testConfig } from '../../src/config/load.js';
import { startGateway, type Gateway } from '../../src/main.js';
import { backends, type TestStore } from '../helpers/backends.js';

const postgres = backends().find((b) => b.name === 'postgres');
const redisUrl = inject('redisUrl');

/** An upstream answering every request with its path, so a call shows which URL the gateway used. */
async function startUpstream(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path: req.url }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const modes = [
  { cacheType: 'database', skip: postgres === undefined },
  { cacheType: 'redis', skip: postgres === undefined || redisUrl === '' },
];

describe.each(modes)('two gateways with CACHE_TYPE=$cacheType', ({ cacheType, skip }) => {
  let t: TestStore;
  let a: Gateway;
  let b: Gateway;
  let token: string;
  let upstream: { url: string; server: Server };

  const api = async (gw: Gateway, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${gw.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return (await res.json()) as { id: string };
  };

  beforeAll(async () => {
    if (skip) return;
    t = await postgres!.open();
    upstream = await startUpstream();
    const config = testConfig({
      PORT: '0',
      DATABASE_URL: t.url,
      CACHE_TYPE: cacheType,
      REDIS_URL: redisUrl || 'redis://127.0.0.1:6379/0',
      REGISTRY_CACHE_TTL: '3600',
      SSRF_ALLOW_LOCALHOST: 'true',
    });
    [a, b] = await Promise.all([
      startGateway({ config, logger: false }),
      startGateway({ config, logger: false }),
    ]);
    token = await createTokenSigner(config).sign({
      username: 'ops@example.com',
      expMinutes: 60,
      admin: true,
    });
  }, 60_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    upstream?.server.close();
    await t?.dispose();
  });

  it.skipIf(skip)('a tool registered on A is announced to and listed by a client of B at once', async () => {
    const client = new Client({ name: 'on-b', version: '1' });
    let changed!: () => void;
    const announced = new Promise<void>((resolve) => (changed = resolve));
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => changed());
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${b.url}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    try {
      const before = (await client.listTools()).tools.map((tool) => tool.name);
      expect(before).not.toContain(`fresh_${cacheType}`);
      await api(a, 'POST', '/tools', {
        name: `fresh_${cacheType}`,
        url: `${upstream.url}/fresh`,
        request_type: 'GET',
      });
      await announced;
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain(`fresh_${cacheType}`);
    } finally {
      await client.close();
    }
  });

  it.skipIf(skip)('a tool changed on A is called with its new URL on B at once', async () => {
    const tool = await api(a, 'POST', '/tools', {
      name: `moving_${cacheType}`,
      url: `${upstream.url}/v1`,
      request_type: 'GET',
    });
    const client = new Client({ name: 'caller-on-b', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${b.url}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    const pathOfCall = async () => {
      const result = await client.callTool({ name: `moving_${cacheType}`, arguments: {} });
      return (JSON.parse((result.content as Array<{ text: string }>)[0]!.text) as { path: string }).path;
    };
    try {
      // The first call caches the tool on B for REGISTRY_CACHE_TTL (an hour).
      expect(await pathOfCall()).toBe('/v1');
      await api(a, 'PUT', `/tools/${tool.id}`, { url: `${upstream.url}/v2` });
      await expect.poll(pathOfCall, { timeout: 2000, interval: 50 }).toBe('/v2');
    } finally {
      await client.close();
    }
  });
});
