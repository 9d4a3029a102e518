// requestFetch: what the SDK's HTTP transports read of a response (status, headers, streamed body, abort) over undici request().
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFetch } from '../../../../src/federation/forward/request-fetch.js';

describe('requestFetch', () => {
  let server: Server;
  let base: string;
  const agent = new Agent();
  const fetchLike = requestFetch(agent);
  const seen: Array<{ method?: string; headers: Record<string, unknown>; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, headers: req.headers, body });
        if (req.url === '/accepted') return void res.writeHead(202).end();
        if (req.url === '/redirect') return void res.writeHead(307, { location: '/elsewhere' }).end();
        if (req.url === '/stream') {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': 'abc' });
          res.write('data: one\n\n');
          setTimeout(() => res.end('data: two\n\n'), 20);
          return;
        }
        if (req.url === '/quiet') {
          res.writeHead(200, { 'content-type': 'text/event-stream' }).flushHeaders();
          setTimeout(() => res.end('data: late\n\n'), 1500);
          return;
        }
        if (req.url === '/hang')
          return void res.writeHead(200, { 'content-type': 'text/event-stream' }).flushHeaders();
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await agent.close();
  });

  it('sends method, headers (any HeadersInit) and body, and answers status, headers and body', async () => {
    const res = await fetchLike(`${base}/json`, {
      method: 'POST',
      headers: [
        ['x-test', '1'],
        ['content-type', 'application/json'],
      ],
      body: '{"a":1}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ ok: true });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', headers: { 'x-test': '1' }, body: '{"a":1}' });
  });

  it('streams an SSE body as it arrives and keeps response headers', async () => {
    const res = await fetchLike(`${base}/stream`, { method: 'GET' });
    expect(res.headers.get('mcp-session-id')).toBe('abc');
    expect(await res.text()).toBe('data: one\n\ndata: two\n\n');
  });

  it('answers a 202 with an empty body and leaves redirects to the caller', async () => {
    const accepted = await fetchLike(`${base}/accepted`, { method: 'POST', body: '{}' });
    expect([accepted.status, await accepted.text()]).toEqual([202, '']);
    const redirect = await fetchLike(`${base}/redirect`, { method: 'GET' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([307, '/elsewhere']);
  });

  it("keeps a quiet event stream open past the agent's body timeout (a legacy SSE session lives on it)", async () => {
    const impatient = new Agent({ bodyTimeout: 100 });
    try {
      const res = await requestFetch(impatient)(`${base}/quiet`);
      expect(await res.text()).toBe('data: late\n\n');
    } finally {
      await impatient.close();
    }
  });

  it('stops reading a stream when its signal aborts', async () => {
    const controller = new AbortController();
    const res = await fetchLike(`${base}/hang`, { method: 'GET', signal: controller.signal });
    const reading = res.text();
    controller.abort();
    await expect(reading).rejects.toThrow();
  });
});
