import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../../src/config/load.js';
import { AppError } from '../../../src/errors/app-error.js';
import { createArgumentValidator } from '../../../src/runtime/argument-validator.js';
import { createHttpClient, type HttpClient } from '../../../src/runtime/http-client.js';
import { createRestInvoker, type RestInvoker } from '../../../src/runtime/invoke-rest.js';
import type { RestToolSpec } from '../../../src/runtime/rest-tool-spec.js';
import { deadPort, json, startUpstream, type Route, type UpstreamServer } from './upstream-server.js';

let upstream: UpstreamServer;
const clients: HttpClient[] = [];
const validator = createArgumentValidator();

function invoker(
  env: Record<string, string> = { SSRF_ALLOW_LOCALHOST: 'true' },
  maxResponseBytes?: number,
): RestInvoker {
  const http = createHttpClient({ config: testConfig(env) });
  clients.push(http);
  return createRestInvoker({ http, validator, ...(maxResponseBytes ? { maxResponseBytes } : {}) });
}

let specCount = 0;
function spec(overrides: Partial<RestToolSpec>): RestToolSpec {
  specCount += 1;
  return {
    id: `tool-${specCount}`,
    name: `tool_${specCount}`,
    url: `${upstream.base}/echo`,
    requestType: 'GET',
    headers: {},
    inputSchema: { type: 'object' },
    timeoutMs: 10_000,
    ...overrides,
  };
}

const echo: Route = (req, res) => json(res, 200, { method: req.method, url: req.url, body: req.body });

beforeAll(async () => {
  upstream = await startUpstream({
    '/echo': echo,
    '/users/42/posts': echo,
    '/users/a%2Fb%20c/posts': echo,
    '/items': (_req, res) =>
      json(res, 200, {
        items: [
          { id: 1, name: 'one' },
          { id: 2, name: 'two' },
        ],
        total: 2,
      }),
    '/list': (_req, res) => json(res, 200, [1, 2, 3]),
    '/text': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words'),
    '/fail': (_req, res) =>
      res.writeHead(500, { 'content-type': 'text/plain' }).end('database exploded\n  at line 3'),
    '/moved': (_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/' }).end(),
    '/hang': () => undefined, // never answers
    '/big': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ blob: 'x'.repeat(5000) })),
  });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await upstream.close();
});

describe('REST tool invocation', () => {
  it('fills {param} templates URL-encoded and does not send consumed parameters again', async () => {
    const rest = invoker();
    const result = await rest.invoke(
      spec({ url: `${upstream.base}/users/{user}/posts`, requestType: 'POST' }),
      { user: 42, title: 'hi' },
    );
    expect(result.isError).toBeUndefined();
    const seen = upstream.received.at(-1)!;
    expect(seen.url).toBe('/users/42/posts');
    expect(JSON.parse(seen.body)).toEqual({ title: 'hi' });
    await rest.invoke(spec({ url: `${upstream.base}/users/{user}/posts` }), { user: 'a/b c' });
    expect(upstream.received.at(-1)!.url).toBe('/users/a%2Fb%20c/posts');
    await expect(rest.invoke(spec({ url: `${upstream.base}/users/{user}/posts` }), {})).rejects.toThrow(
      /missing URL parameter "user"/,
    );
  });

  it('sends GET and DELETE arguments as the query string, others as a JSON body', async () => {
    const rest = invoker();
    await rest.invoke(spec({ url: `${upstream.base}/echo?fixed=1` }), {
      q: 'a b',
      n: 3,
      tags: ['x', 'y'],
      opt: true,
    });
    expect(upstream.received.at(-1)).toMatchObject({
      method: 'GET',
      url: '/echo?fixed=1&q=a+b&n=3&tags=x&tags=y&opt=true',
      body: '',
    });
    await rest.invoke(spec({ requestType: 'DELETE' }), { id: 7 });
    expect(upstream.received.at(-1)).toMatchObject({ method: 'DELETE', url: '/echo?id=7' });
    for (const method of ['POST', 'PUT', 'PATCH'] as const) {
      await rest.invoke(spec({ requestType: method }), { nested: { a: [1, 2] } });
      const seen = upstream.received.at(-1)!;
      expect(seen.method).toBe(method);
      expect(seen.url).toBe('/echo');
      expect(seen.headers['content-type']).toBe('application/json');
      expect(JSON.parse(seen.body)).toEqual({ nested: { a: [1, 2] } });
    }
  });

  it('sends static headers and each kind of auth', async () => {
    const rest = invoker();
    await rest.invoke(
      spec({
        headers: { 'X-Static': 'yes', Authorization: 'overridden' },
        auth: { type: 'bearer', token: 'tok-123' },
      }),
      {},
    );
    expect(upstream.received.at(-1)!.headers).toMatchObject({
      'x-static': 'yes',
      authorization: 'Bearer tok-123',
    });
    await rest.invoke(spec({ auth: { type: 'basic', username: 'alice', password: 'p:ss' } }), {});
    expect(upstream.received.at(-1)!.headers.authorization).toBe(
      `Basic ${Buffer.from('alice:p:ss').toString('base64')}`,
    );
    await rest.invoke(
      spec({ auth: { type: 'authheaders', headers: { 'X-Api-Key': 'k1', 'X-Tenant': 't9' } } }),
      {},
    );
    expect(upstream.received.at(-1)!.headers).toMatchObject({ 'x-api-key': 'k1', 'x-tenant': 't9' });
  });

  it('returns the body as text, with structuredContent when the tool has an output schema', async () => {
    const rest = invoker();
    const plain = await rest.invoke(spec({ url: `${upstream.base}/items` }), {});
    expect(plain.structuredContent).toBeUndefined();
    expect(JSON.parse((plain.content[0] as { text: string }).text)).toMatchObject({ total: 2 });
    const structured = await rest.invoke(
      spec({ url: `${upstream.base}/items`, outputSchema: { type: 'object' } }),
      {},
    );
    expect(structured.structuredContent).toMatchObject({ total: 2, items: [{ id: 1 }, { id: 2 }] });
    const array = await rest.invoke(
      spec({ url: `${upstream.base}/list`, outputSchema: { type: 'object' } }),
      {},
    );
    expect(array.structuredContent).toEqual({ result: [1, 2, 3] });
    const text = await rest.invoke(
      spec({ url: `${upstream.base}/text`, outputSchema: { type: 'object' } }),
      {},
    );
    expect(text).toEqual({ content: [{ type: 'text', text: 'plain words' }] });
  });

  it('applies jsonpath_filter, with script expressions refused', async () => {
    const rest = invoker();
    const names = await rest.invoke(
      spec({
        url: `${upstream.base}/items`,
        jsonpathFilter: '$.items[*].name',
        outputSchema: { type: 'object' },
      }),
      {},
    );
    expect(JSON.parse((names.content[0] as { text: string }).text)).toEqual(['one', 'two']);
    expect(names.structuredContent).toEqual({ result: ['one', 'two'] });
    const total = await rest.invoke(spec({ url: `${upstream.base}/items`, jsonpathFilter: '$.total' }), {});
    expect(total.content).toEqual([{ type: 'text', text: '2' }]);
    const script = await rest.invoke(
      spec({ url: `${upstream.base}/items`, jsonpathFilter: '$.items[?(@.id > 1)]' }),
      {},
    );
    console.log('script filter:', (script.content[0] as { text: string }).text);
    expect(script.isError).toBe(true);
    expect((script.content[0] as { text: string }).text).toMatch(/jsonpath_filter .* failed/);
  });

  it('turns a 500 and a redirect into isError results with the status and an excerpt', async () => {
    const rest = invoker();
    const failed = await rest.invoke(spec({ url: `${upstream.base}/fail` }), {});
    console.log('500:', failed.content[0]);
    expect(failed).toEqual({
      isError: true,
      content: [
        {
          type: 'text',
          text: 'Upstream returned HTTP 500 Internal Server Error: database exploded at line 3',
        },
      ],
    });
    const moved = await rest.invoke(spec({ url: `${upstream.base}/moved` }), {});
    expect((moved.content[0] as { text: string }).text).toBe(
      'Upstream returned HTTP 302 Found (redirect to http://169.254.169.254/ not followed)',
    );
  });

  it('reports a dead port as "connection refused"', async () => {
    const port = await deadPort();
    const result = await invoker().invoke(spec({ url: `http://127.0.0.1:${port}/x` }), {});
    console.log('dead port:', result.content[0]);
    expect(result).toEqual({
      isError: true,
      content: [{ type: 'text', text: `connection refused to 127.0.0.1:${port}` }],
    });
  });

  it('gives up at the tool timeout', async () => {
    const result = await invoker().invoke(spec({ url: `${upstream.base}/hang`, timeoutMs: 300 }), {});
    console.log('timeout:', result.content[0]);
    expect(result).toEqual({
      isError: true,
      content: [{ type: 'text', text: 'Upstream call timed out after 300 ms' }],
    });
  });

  it('stops when the caller aborts, long before the tool timeout', async () => {
    const controller = new AbortController();
    const arrived = upstream.nextRequest();
    const pending = invoker().invoke(
      spec({ url: `${upstream.base}/hang`, timeoutMs: 60_000 }),
      {},
      controller.signal,
    );
    await arrived;
    controller.abort();
    expect(await pending).toEqual({
      isError: true,
      content: [{ type: 'text', text: 'Upstream call cancelled by the caller' }],
    });
    const already = await invoker().invoke(spec({}), {}, AbortSignal.abort());
    expect(already.isError).toBe(true);
  });

  it('caps the response body it reads', async () => {
    const result = await invoker(undefined, 1000).invoke(spec({ url: `${upstream.base}/big` }), {});
    expect(result).toEqual({
      isError: true,
      content: [
        { type: 'text', text: 'Upstream response is larger than 1000 bytes; not read past that limit' },
      ],
    });
  });

  it('throws Invalid for bad arguments before anything is sent', async () => {
    const before = upstream.received.length;
    const tool = spec({
      inputSchema: { type: 'object', properties: { count: { type: 'integer' } }, required: ['count'] },
    });
    const error = await invoker()
      .invoke(tool, { count: 'many' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('Invalid');
    expect((error as AppError).message).toBe('Invalid arguments: /count must be integer');
    await expect(invoker().invoke(tool, [1])).rejects.toThrow(/must be a JSON object/);
    expect(upstream.received.length).toBe(before);
  });
});

describe('REST tool invocation: SSRF', () => {
  const text = (r: { content: unknown[] }) => (r.content[0] as { text: string }).text;

  it('blocks localhost by default, whether named or literal', async () => {
    const before = upstream.received.length;
    const rest = invoker({});
    const named = await rest.invoke(spec({ url: `http://localhost:${upstream.port}/echo` }), {});
    console.log('localhost:', text(named));
    expect(named.isError).toBe(true);
    expect(text(named)).toMatch(
      /localhost \((127\.0\.0\.1|::1)\) blocked: loopback address; set SSRF_ALLOW_LOCALHOST=true/,
    );
    const literal = await rest.invoke(spec({}), {});
    expect(text(literal)).toBe(
      'Outbound request to 127.0.0.1 blocked: loopback address; set SSRF_ALLOW_LOCALHOST=true to allow it',
    );
    expect(upstream.received.length).toBe(before);
  });

  it('blocks 169.254.169.254 even with private networks and that network allowed', async () => {
    const rest = invoker({ SSRF_ALLOW_PRIVATE_NETWORKS: 'true', SSRF_ALLOWED_NETWORKS: '169.254.0.0/16' });
    const result = await rest.invoke(spec({ url: 'http://169.254.169.254/latest/meta-data/' }), {});
    console.log('metadata:', text(result));
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/169\.254\.169\.254 blocked: cloud metadata endpoint; always blocked/);
  });

  it('reaches loopback through SSRF_ALLOWED_NETWORKS', async () => {
    const result = await invoker({ SSRF_ALLOWED_NETWORKS: '127.0.0.0/8' }).invoke(spec({}), {});
    expect(result.isError).toBeUndefined();
    expect(JSON.parse(text(result))).toMatchObject({ method: 'GET', url: '/echo' });
  });

  it('refuses non-http tool URLs as Invalid', async () => {
    await expect(invoker().invoke(spec({ url: 'ws://127.0.0.1/x' }), {})).rejects.toThrow(
      /needs an http or https URL/,
    );
  });
});
