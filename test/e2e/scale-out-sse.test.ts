// Two gateways on one PostgreSQL: a legacy SSE stream held by A gets the answers to the POSTs that land on B,
// over LISTEN/NOTIFY (CACHE_TYPE=database) or Redis pub/sub (CACHE_TYPE=redis), each once and in order.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTokenSigner } from '../../src/auth/jwt.js';
import { testConfig } from '../../src/config/load.js';
import { startGateway, type Gateway } from '../../src/main.js';
import { startEverything, type Everything } from '../fixtures/federation/everything.js';
import { backends, type TestStore } from '../helpers/backends.js';

const postgres = backends().find((b) => b.name === 'postgres');
const redisUrl = inject('redisUrl');

interface SseEvent {
  event: string;
  data: string;
}

/** A legacy SSE stream read as it arrives: every event so far, and a way to wait for more. */
async function openStream(url: string, token: string) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  expect(res.status).toBe(200);
  const events: SseEvent[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = frame.split('\n');
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
        const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
        if (data.length > 0) events.push({ event, data: data.join('\n') });
      }
    }
  })();
  return {
    events,
    /** The JSON-RPC messages received so far, in arrival order. */
    messages: () =>
      events
        .filter((e) => e.event === 'message')
        .map((e) => JSON.parse(e.data) as { id?: number; result?: Record<string, unknown> }),
    close: () => controller.abort(),
  };
}

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

describe.each(modes)('legacy SSE across two gateways with CACHE_TYPE=$cacheType', ({ cacheType, skip }) => {
  let t: TestStore;
  let a: Gateway;
  let b: Gateway;
  let token: string;
  let upstream: { url: string; server: Server };
  let everything: Everything;

  beforeAll(async () => {
    if (skip) return;
    t = await postgres!.open();
    [upstream, everything] = await Promise.all([startUpstream(), startEverything('streamableHttp')]);
    const config = testConfig({
      PORT: '0',
      DATABASE_URL: t.url,
      CACHE_TYPE: cacheType,
      REDIS_URL: redisUrl || 'redis://127.0.0.1:6379/0',
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
    const res = await fetch(`${a.url}/tools`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `echo_${cacheType}`, url: `${upstream.url}/echo`, request_type: 'GET' }),
    });
    expect(res.status, await res.text()).toBeLessThan(300);
    const gateway = await fetch(`${a.url}/gateways`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ev', url: everything.url, transport: 'STREAMABLEHTTP' }),
    });
    expect(gateway.status, await gateway.text()).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    upstream?.server.close();
    await everything?.stop();
    await t?.dispose();
  });

  /** POSTs to `gw` at the endpoint A's stream named. */
  const poster =
    (endpoint: string) =>
    async (gw: Gateway, body: unknown): Promise<void> => {
      const res = await fetch(`${gw.url}${endpoint}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, await res.text()).toBe(202);
    };

  it.skipIf(skip)("answers POSTs landing on B on A's stream, each once and in order", async () => {
    const stream = await openStream(`${a.url}/sse`, token);
    try {
      await expect.poll(() => stream.events.find((e) => e.event === 'endpoint')).toBeDefined();
      const endpoint = stream.events.find((e) => e.event === 'endpoint')!.data;
      const post = async (body: unknown) => {
        const res = await fetch(`${b.url}${endpoint}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(res.status, await res.text()).toBe(202);
      };
      const answered = (id: number) =>
        expect.poll(() => stream.messages().some((m) => m.id === id), { timeout: 5000 }).toBe(true);

      await post({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2024-11-05',
          capabilities: {},
          clientInfo: { name: 'sse', version: '1' },
        },
      });
      await answered(1);
      await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
      await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
      await answered(2);
      await post({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: `echo_${cacheType}` } });
      await answered(3);
      // A burst: twenty pings in one batch, answered as the dispatcher finishes them.
      const pings = Array.from({ length: 20 }, (_, i) => 100 + i);
      await post(pings.map((id) => ({ jsonrpc: '2.0', id, method: 'ping' })));
      await answered(119);
      await new Promise((r) => setTimeout(r, 300)); // time for a duplicate to show up, if any

      const messages = stream.messages();
      expect(messages.map((m) => m.id)).toEqual([1, 2, 3, ...pings]);
      const tools = (messages[1]!.result as { tools: Array<{ name: string }> }).tools;
      expect(tools.map((tool) => tool.name)).toContain(`echo_${cacheType}`);
      const content = (messages[2]!.result as { content: Array<{ text: string }> }).content;
      expect(JSON.parse(content[0]!.text)).toEqual({ path: '/echo' });
    } finally {
      stream.close();
    }
  });

  it.skipIf(skip)(
    'relays sampling asked by a call running on B to A, and its answer posted to A back to B',
    async () => {
      const stream = await openStream(`${a.url}/sse`, token);
      try {
        await expect.poll(() => stream.events.find((e) => e.event === 'endpoint')).toBeDefined();
        const post = poster(stream.events.find((e) => e.event === 'endpoint')!.data);
        const answered = (id: number) =>
          expect.poll(() => stream.messages().some((m) => m.id === id), { timeout: 10_000 }).toBe(true);
        await post(b, {
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-06-18',
            capabilities: { sampling: {} },
            clientInfo: { name: 'sse', version: '1' },
          },
        });
        await answered(1);
        await post(b, { jsonrpc: '2.0', method: 'notifications/initialized' });
        await post(b, {
          jsonrpc: '2.0',
          id: 2,
          method: 'tools/call',
          params: { name: 'ev-trigger-sampling-request', arguments: { prompt: 'hello', maxTokens: 10 } },
        });
        const asked = await expect
          .poll(() => stream.events.map((e) => e.data).find((d) => d.includes('sampling/createMessage')), {
            timeout: 10_000,
          })
          .toBeDefined()
          .then(() => {
            const data = stream.events.map((e) => e.data).find((d) => d.includes('sampling/createMessage'))!;
            return JSON.parse(data) as { id: string };
          });
        // The client answers on the instance holding its stream; the call waiting for it runs on B.
        await post(a, {
          jsonrpc: '2.0',
          id: asked.id,
          result: { role: 'assistant', content: { type: 'text', text: 'a sampled answer' }, model: 'e2e' },
        });
        await answered(2);
        const result = stream.messages().find((m) => m.id === 2)!;
        expect(JSON.stringify(result)).toContain('a sampled answer');
        expect(stream.messages().filter((m) => m.id === 2)).toHaveLength(1);
      } finally {
        stream.close();
      }
    },
    30_000,
  );
});
