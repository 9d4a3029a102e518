import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../../../src/config/load.js';
import { connectUpstream } from '../../../../src/federation/connect.js';
import { ClientCredentialsTokens } from '../../../../src/federation/client-credentials.js';
import { StdioProcesses } from '../../../../src/federation/stdio/stdio-process.js';
import type { UpstreamSpec } from '../../../../src/federation/upstream-spec.js';
import { createHttpClient, type HttpClient } from '../../../../src/runtime/http-client.js';
import {
  EVERYTHING_STDIO_ARGV,
  freePort,
  startEverything,
  type Everything,
} from '../../../fixtures/federation/everything.js';
import { startMutableUpstream, type MutableUpstream } from '../../../fixtures/federation/mutable-upstream.js';
import { groupMembers } from '../../../fixtures/cli/spawn-translate.js';

const spec = (over: Partial<UpstreamSpec>): UpstreamSpec => ({
  gatewayId: 'g1',
  name: 'everything',
  transport: 'STREAMABLEHTTP',
  url: 'http://127.0.0.1:1/mcp',
  auth: null,
  timeoutMs: 5000,
  passthroughAuth: false,
  ...over,
});

async function failureOf(work: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await work;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a failure');
}

let http: HttpClient;
let strictHttp: HttpClient;
let streamable: Everything;
let sse: Everything;
let upstream: MutableUpstream;
let html: Server;
const stdio = new StdioProcesses({ killGraceMs: 500 });

beforeAll(async () => {
  http = createHttpClient({ config: testConfig({ SSRF_ALLOW_LOCALHOST: 'true' }) });
  strictHttp = createHttpClient({ config: testConfig() });
  [streamable, sse, upstream] = await Promise.all([
    startEverything('streamableHttp'),
    startEverything('sse'),
    startMutableUpstream({ token: 'right-token' }),
  ]);
  html = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hi</p>'));
  await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await stdio.reapAll();
  await Promise.all([streamable.stop(), sse.stop(), upstream.close(), http.close(), strictHttp.close()]);
  await new Promise<void>((resolve) => html.close(() => resolve()));
});

describe('connectUpstream', () => {
  it('initializes server-everything over Streamable HTTP and answers ping and tools/list', async () => {
    const conn = await connectUpstream(spec({ url: streamable.url }), { http });
    expect(conn.serverInfo?.name).toBe('mcp-servers/everything');
    expect(conn.capabilities.tools).toBeDefined();
    await conn.client.ping();
    const { tools } = await conn.client.listTools();
    expect(tools.map((t) => t.name)).toContain('echo');
    await conn.close();
    await conn.closed;
  });

  it('initializes server-everything over SSE', async () => {
    const conn = await connectUpstream(spec({ transport: 'SSE', url: sse.url }), { http });
    expect(conn.serverInfo?.name).toBe('mcp-servers/everything');
    expect((await conn.client.listPrompts()).prompts.map((p) => p.name)).toContain('simple-prompt');
    await conn.close();
  });

  it('spawns a stdio server in its own process group and reaps the group on close', async () => {
    const conn = await connectUpstream(
      spec({ transport: 'STDIO', url: '', command: EVERYTHING_STDIO_ARGV }),
      {
        http,
        stdio,
      },
    );
    const pid = conn.pid!;
    expect(stdio.pidsOf('g1')).toEqual([pid]);
    expect(groupMembers(pid)).toContain(pid);
    expect((await conn.client.listTools()).tools.map((t) => t.name)).toContain('echo');
    await conn.close();
    expect(groupMembers(pid)).toEqual([]);
    expect(() => process.kill(-pid, 0)).toThrow(/ESRCH/);
    expect(stdio.pidsOf('g1')).toEqual([]);
  });

  it('names a stdio command that cannot start', async () => {
    const failure = await failureOf(
      connectUpstream(spec({ transport: 'STDIO', url: '', command: ['/nonexistent/mcp-server'] }), { stdio }),
    );
    expect(failure.code).toBe('UpstreamFailed');
    expect(failure.message).toMatch(/stdio command \/nonexistent\/mcp-server.*ENOENT/);
  });

  it('sends the gateway credentials upstream, and a wrong token is a 502 naming the 401', async () => {
    const ok = await connectUpstream(
      spec({ url: upstream.url, auth: { type: 'bearer', token: 'right-token' } }),
      { http },
    );
    await ok.close();
    expect(upstream.authorizations).toContain('Bearer right-token');

    const failure = await failureOf(
      connectUpstream(spec({ url: upstream.url, auth: { type: 'bearer', token: 'wrong' } }), { http }),
    );
    expect(failure.code).toBe('UpstreamFailed');
    expect(failure.message).toMatch(/Cannot connect to gateway everything .*HTTP 401 from upstream/);
  });

  it('applies basic and custom-header credentials', async () => {
    const seen = await startMutableUpstream();
    try {
      await (
        await connectUpstream(
          spec({ url: seen.url, auth: { type: 'basic', username: 'u', password: 'p' } }),
          {
            http,
          },
        )
      ).close();
      await (
        await connectUpstream(
          spec({ url: seen.url, auth: { type: 'authheaders', headers: { Authorization: 'Token abc' } } }),
          { http },
        )
      ).close();
      expect(seen.authorizations).toContain(`Basic ${Buffer.from('u:p').toString('base64')}`);
      expect(seen.authorizations).toContain('Token abc');
    } finally {
      await seen.close();
    }
  });

  it('says connection refused when nothing listens', async () => {
    const port = await freePort();
    const failure = await failureOf(connectUpstream(spec({ url: `http://127.0.0.1:${port}/mcp` }), { http }));
    expect(failure.code).toBe('UpstreamFailed');
    expect(failure.message).toContain(`connection refused to 127.0.0.1:${port}`);
    const sseFailure = await failureOf(
      connectUpstream(spec({ transport: 'SSE', url: `http://127.0.0.1:${port}/sse` }), { http }),
    );
    expect(sseFailure.message).toContain(`connection refused to 127.0.0.1:${port}`);
  });

  it('says "not an MCP server" for a web page and names a 404 path', async () => {
    const port = (html.address() as AddressInfo).port;
    const failure = await failureOf(connectUpstream(spec({ url: `http://127.0.0.1:${port}/` }), { http }));
    expect(failure.message).toMatch(/not an MCP server: it answered with content-type text\/html/);
    const wrongPath = await failureOf(
      connectUpstream(spec({ url: streamable.url.replace('/mcp', '/nope') }), { http }),
    );
    expect(wrongPath.message).toMatch(/HTTP 404 from upstream \(not an MCP endpoint/);
  });

  it('times out on a server that never answers', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const failure = await failureOf(
        connectUpstream(spec({ url: `http://127.0.0.1:${port}/mcp`, timeoutMs: 300 }), { http }),
      );
      expect(failure.message).toMatch(/timed out after 300 ms/);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('refuses loopback upstreams unless SSRF_ALLOW_LOCALHOST is set', async () => {
    const literal = await failureOf(connectUpstream(spec({ url: streamable.url }), { http: strictHttp }));
    expect(literal.code).toBe('Forbidden');
    expect(literal.message).toMatch(/SSRF_ALLOW_LOCALHOST=true/);
    const resolved = await failureOf(
      connectUpstream(spec({ url: streamable.url.replace('127.0.0.1', 'localhost') }), { http: strictHttp }),
    );
    expect(resolved.code).toBe('Forbidden');
    expect(resolved.message).toMatch(/localhost .*blocked.*SSRF_ALLOW_LOCALHOST=true/);
  });
});

describe('OAuth client credentials', () => {
  let tokenServer: Server;
  let tokenUrl: string;
  let issued = 0;
  let forms: URLSearchParams[] = [];

  beforeAll(async () => {
    tokenServer = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        forms.push(form);
        if (form.get('client_secret') !== 's3cret') {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
          return;
        }
        issued += 1;
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            access_token: issued === 1 ? 'right-token' : `token-${issued}`,
            expires_in: 3600,
          }),
        );
      });
    });
    await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
    tokenUrl = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`;
  });
  afterAll(() => new Promise<void>((resolve) => tokenServer.close(() => resolve())));

  it('fetches a token once, sends it as a bearer token, and reuses it until it expires', async () => {
    const oauth = new ClientCredentialsTokens({ http });
    const auth = { type: 'oauth' as const, tokenUrl, clientId: 'gw', clientSecret: 's3cret', scope: 'mcp' };
    for (let i = 0; i < 2; i += 1)
      await (await connectUpstream(spec({ url: upstream.url, auth }), { http, oauth })).close();
    expect(issued).toBe(1);
    expect(forms[0]?.get('grant_type')).toBe('client_credentials');
    expect(forms[0]?.get('scope')).toBe('mcp');
    expect(upstream.authorizations.at(-1)).toBe('Bearer right-token');
  });

  it('refreshes a token the clock says is about to expire', async () => {
    let now = 0;
    const oauth = new ClientCredentialsTokens({ http, now: () => now });
    const auth = { type: 'oauth' as const, tokenUrl, clientId: 'gw', clientSecret: 's3cret' };
    const first = await oauth.token(auth);
    now = 3_500_000; // still more than a minute before expiry (3600 s)
    expect(await oauth.token(auth)).toBe(first);
    now = 3_550_000; // within the last minute: refreshed before the upstream could refuse it
    const second = await oauth.token(auth);
    expect(second).not.toBe(first);
  });

  it('drops a token the upstream refuses and retries once with a fresh one', async () => {
    const handed = ['revoked-token', 'right-token'];
    const rotating = createServer((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ access_token: handed.shift() ?? 'none', expires_in: 3600 })),
    );
    await new Promise<void>((resolve) => rotating.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(rotating.address() as AddressInfo).port}/token`;
      const oauth = new ClientCredentialsTokens({ http });
      const auth = { type: 'oauth' as const, tokenUrl: url, clientId: 'gw', clientSecret: 'x' };
      const before = upstream.authorizations.length;
      const conn = await connectUpstream(spec({ url: upstream.url, auth }), { http, oauth });
      await conn.client.ping();
      await conn.close();
      expect(handed).toEqual([]);
      const sent = upstream.authorizations.slice(before);
      expect(sent[0]).toBe('Bearer revoked-token'); // refused with 401…
      expect(new Set(sent.slice(1))).toEqual(new Set(['Bearer right-token'])); // …then only the fresh one
    } finally {
      await new Promise<void>((resolve) => rotating.close(() => resolve()));
    }
  });

  it('reports a refused client as a 502 naming the token endpoint and the error', async () => {
    forms = [];
    const oauth = new ClientCredentialsTokens({ http });
    const auth = { type: 'oauth' as const, tokenUrl, clientId: 'gw', clientSecret: 'wrong' };
    const failure = await failureOf(connectUpstream(spec({ url: upstream.url, auth }), { http, oauth }));
    expect(failure.code).toBe('UpstreamFailed');
    expect(failure.message).toMatch(
      /OAuth token request to http:\/\/127\.0\.0\.1:\d+\/token failed: HTTP 401 \(invalid_client\)/,
    );
  });
});
