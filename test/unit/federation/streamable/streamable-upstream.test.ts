// StreamableHttpUpstream against a scripted HTTP server: answers, sessions, resumption, the GET stream, auth, redirects.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SdkError, SdkHttpError, type JSONRPCMessage } from '@modelcontextprotocol/client';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  StreamableHttpUpstream,
  UpstreamStreamLost,
} from '../../../../src/federation/streamable/streamable-upstream.js';
import type { UpstreamHeaders } from '../../../../src/federation/streamable/upstream-headers.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Script = (req: Seen, res: ServerResponse) => void;

const sse = (res: ServerResponse, headers: Record<string, string> = {}) =>
  res.writeHead(200, { 'content-type': 'text/event-stream', ...headers });
const json = (res: ServerResponse, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
const result = (id: number, value: unknown = { ok: true }) => ({ jsonrpc: '2.0', id, result: value });
const call = (id: number, method = 'tools/call'): JSONRPCMessage => ({
  jsonrpc: '2.0',
  id,
  method,
  params: {},
});

describe('StreamableHttpUpstream', () => {
  let server: Server;
  let base: string;
  let script: Script;
  const seen: Seen[] = [];
  const agent = new Agent();
  const open: StreamableHttpUpstream[] = [];
  const noHeaders: UpstreamHeaders = { current: () => Promise.resolve({}), rejected: () => false };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
        seen.push(entry);
        script(entry, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
    seen.length = 0;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await agent.close();
  });

  function transport(opts: { headers?: UpstreamHeaders; path?: string } = {}) {
    const t = new StreamableHttpUpstream({
      url: new URL(`${base}${opts.path ?? '/mcp'}`),
      dispatcher: agent,
      headers: opts.headers ?? noHeaders,
      reconnectDelayMs: 10,
    });
    const messages: JSONRPCMessage[] = [];
    const errors: Error[] = [];
    t.onmessage = (m) => messages.push(m);
    t.onerror = (e) => errors.push(e);
    open.push(t);
    return { t, messages, errors };
  }

  it('takes the session id from initialize and sends it, with the protocol version, on every later request', async () => {
    script = (req, res) => {
      const msg = JSON.parse(req.body) as { id?: number; method: string };
      if (msg.method === 'initialize') return json(res, result(0), { 'mcp-session-id': 'sess-1' });
      if (msg.id === undefined) return void res.writeHead(202).end();
      json(res, result(msg.id));
    };
    const { t, messages } = transport();
    await t.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: {} });
    t.setProtocolVersion('2025-11-25');
    await t.send(call(1));
    expect(t.sessionId).toBe('sess-1');
    expect(messages).toEqual([result(0), result(1)]);
    expect(seen[0]!.headers['mcp-session-id']).toBeUndefined();
    expect(seen[1]!.headers).toMatchObject({
      'mcp-session-id': 'sess-1',
      'mcp-protocol-version': '2025-11-25',
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
    });
  });

  it('delivers an SSE answer in order (progress, a request to the client, then the response)', async () => {
    const progress = { jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1 } };
    const sampling = { jsonrpc: '2.0', id: 'up-1', method: 'sampling/createMessage', params: {} };
    script = (_req, res) => {
      sse(res);
      res.write(`: keep-alive\n\nid: e1\ndata: ${JSON.stringify(progress)}\n\n`);
      res.write(`event: message\ndata: ${JSON.stringify(sampling)}\n\n`);
      res.end(`data: ${JSON.stringify(result(5))}\n\n`);
    };
    const { t, messages } = transport();
    await t.send(call(5));
    expect(messages).toEqual([progress, sampling, result(5)]);
  });

  it('fails a request with the HTTP status the upstream answered (404: the session expired)', async () => {
    script = (_req, res) =>
      void res.writeHead(404, { 'content-type': 'text/plain' }).end('Session not found');
    const { t } = transport();
    const error = await t.send(call(1)).catch((e: unknown) => e);
    expect(SdkHttpError.isInstance(error)).toBe(true);
    expect((error as SdkHttpError).status).toBe(404);
    expect((error as Error).message).toMatch(/HTTP 404: Session not found/);
  });

  it('refuses an answer that is neither JSON nor SSE', async () => {
    script = (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
    const { t } = transport();
    await expect(t.send(call(1))).rejects.toThrow(/Unexpected content type: text\/html/);
  });

  it('resumes a broken answer stream with GET and Last-Event-ID', async () => {
    script = (req, res) => {
      if (req.method === 'POST') {
        sse(res);
        res.write(
          `id: 41\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: {} })}\n\n`,
        );
        setTimeout(() => res.destroy(), 10);
        return;
      }
      sse(res);
      res.end(`id: 42\ndata: ${JSON.stringify(result(9))}\n\n`);
    };
    const { t, messages } = transport();
    await t.send(call(9));
    expect(messages.at(-1)).toEqual(result(9));
    const get = seen.find((s) => s.method === 'GET');
    expect(get?.headers['last-event-id']).toBe('41');
    expect(get?.headers.accept).toBe('text/event-stream');
  });

  it('fails a request at once when its stream ends without the response and cannot be resumed', async () => {
    script = (_req, res) => {
      sse(res);
      res.end(`data: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: {} })}\n\n`);
    };
    const { t } = transport();
    const error = await t.send(call(3)).catch((e: unknown) => e);
    expect(SdkError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/ended the response stream before answering/);
  });

  it('opens the GET stream after initialized, delivers what the upstream sends on it, and reopens it', async () => {
    const changed = { jsonrpc: '2.0', method: 'notifications/tools/list_changed' };
    let gets = 0;
    script = (req, res) => {
      if (req.method === 'POST') return void res.writeHead(202).end();
      gets += 1;
      sse(res);
      res.end(`id: g${gets}\ndata: ${JSON.stringify(changed)}\n\n`);
    };
    const { t, messages, errors } = transport();
    await t.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await expect.poll(() => gets, { timeout: 2000 }).toBeGreaterThanOrEqual(2);
    expect(messages[0]).toEqual(changed);
    expect(seen.filter((s) => s.method === 'GET')[1]!.headers['last-event-id']).toBe('g1');
    expect(errors).toEqual([]);
  });

  it('takes 405 on GET as "no stream", and reports the stream lost when it cannot be reopened', async () => {
    script = (req, res) => void res.writeHead(req.method === 'POST' ? 202 : 405).end();
    const quiet = transport();
    await quiet.t.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await new Promise((r) => setTimeout(r, 50));
    expect(quiet.errors).toEqual([]);

    script = (req, res) => void res.writeHead(req.method === 'POST' ? 202 : 500).end();
    const lost = transport();
    await lost.t.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await expect.poll(() => lost.errors.length, { timeout: 2000 }).toBe(1);
    expect(lost.errors[0]).toBeInstanceOf(UpstreamStreamLost);
    expect(seen.filter((s) => s.method === 'GET').length).toBeGreaterThanOrEqual(3);

    // A GET answered with something that is not an event stream is a failure too, not a stream to read.
    script = (req, res) => (req.method === 'POST' ? void res.writeHead(202).end() : json(res, {}));
    const notSse = transport();
    await notSse.t.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await expect.poll(() => notSse.errors.length, { timeout: 2000 }).toBe(1);
    expect(notSse.errors[0]!.message).toMatch(/answered with application\/json/);
  });

  it('retries once after a 401 when the credentials can be renewed (OAuth), with the new ones', async () => {
    let token = 'old';
    const headers: UpstreamHeaders = {
      current: () => Promise.resolve({ authorization: `Bearer ${token}` }),
      rejected: () => ((token = 'new'), true),
    };
    script = (req, res) =>
      req.headers.authorization === 'Bearer new' ? json(res, result(1)) : void res.writeHead(401).end();
    const { t, messages } = transport({ headers });
    await t.send(call(1));
    expect(messages).toEqual([result(1)]);
    expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer old', 'Bearer new']);
  });

  it('follows a same-origin 307 (body and method kept) but not one to another origin', async () => {
    script = (req, res) => {
      if (req.url === '/old') return void res.writeHead(307, { location: '/mcp' }).end();
      if (req.url === '/away') return void res.writeHead(307, { location: 'http://example.com/mcp' }).end();
      json(res, result(JSON.parse(req.body).id as number));
    };
    const same = transport({ path: '/old' });
    await same.t.send(call(4));
    expect(same.messages).toEqual([result(4)]);
    expect(seen[1]).toMatchObject({ method: 'POST', url: '/mcp' });
    const away = transport({ path: '/away' });
    await expect(away.t.send(call(5))).rejects.toThrow(/redirect to http:\/\/example.com\/mcp not followed/);
  });

  it("stops reading a request's answer once the client cancels it (its timeout, or the caller gave up)", async () => {
    let hungUp = 0;
    script = (req, res) => {
      const msg = JSON.parse(req.body) as { method: string };
      if (msg.method === 'notifications/cancelled') return void res.writeHead(202).end();
      sse(res); // a long call: no answer yet
      res.on('close', () => (hungUp += 1));
    };
    const { t } = transport();
    const pending = t.send(call(7));
    await new Promise((r) => setTimeout(r, 30));
    await t.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7 } });
    await expect(pending).rejects.toThrow(/request 7 was cancelled/);
    await expect.poll(() => hungUp, { timeout: 2000 }).toBe(1);
    expect(seen.map((s) => JSON.parse(s.body) as { method: string }).map((m) => m.method)).toEqual([
      'tools/call',
      'notifications/cancelled',
    ]);
  });

  it('ends the session with DELETE, and close() fails what is still in flight', async () => {
    script = (req, res) => {
      if (req.method === 'DELETE') return void res.writeHead(200).end();
      const msg = JSON.parse(req.body) as { method: string };
      if (msg.method === 'initialize') return json(res, result(0), { 'mcp-session-id': 's-9' });
      sse(res); // never answers
    };
    const { t } = transport();
    await t.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: {} });
    await t.terminateSession();
    expect(seen.at(-1)).toMatchObject({ method: 'DELETE', headers: { 'mcp-session-id': 's-9' } });
    expect(t.sessionId).toBeUndefined();
    let closed = false;
    t.onclose = () => (closed = true);
    const pending = t.send(call(2));
    await new Promise((r) => setTimeout(r, 30));
    await t.close();
    await expect(pending).rejects.toThrow();
    expect(closed).toBe(true);
  });
});
