// Forwarding to real upstreams (server-everything over Streamable HTTP, SSE and stdio; a stateful SDK v2 server):
// results unchanged, relays to the calling client only, progress before results, isolation, cancellation, failures.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Client,
  SSEClientTransport,
  StreamableHTTPClientTransport,
  type Transport,
} from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config/load.js';
import { startGateway, type Gateway } from '../../src/main.js';
import {
  EVERYTHING_STDIO_ARGV,
  startEverything,
  type Everything,
} from '../fixtures/federation/everything.js';
import { federateDirectly } from '../helpers/federate-directly.js';
import { startStatefulUpstream, type StatefulUpstream } from '../helpers/stateful-upstream.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Times in server-everything's dynamic resources differ between two reads. */
const timeless = (value: unknown) => JSON.stringify(value).replace(/\d{1,2}:\d{2}:\d{2}\s?[AP]M/g, 'TIME');

interface ClientOpts {
  roots?: string[];
  onSampling?: () => void;
  onElicitation?: () => void;
}

function mcpClient(opts: ClientOpts = {}): Client {
  const client = new Client(
    { name: 'e2e', version: '1' },
    { capabilities: { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } } },
  );
  client.setRequestHandler('sampling/createMessage', () => {
    opts.onSampling?.();
    return { role: 'assistant', content: { type: 'text', text: 'a sampled answer' }, model: 'e2e-model' };
  });
  client.setRequestHandler('elicitation/create', () => {
    opts.onElicitation?.();
    return { action: 'decline' };
  });
  client.setRequestHandler('roots/list', () => ({
    roots: (opts.roots ?? []).map((uri) => ({ uri, name: uri })),
  }));
  return client;
}

async function connected(
  url: string,
  opts: ClientOpts = {},
  headers: Record<string, string> = {},
): Promise<Client> {
  const client = mcpClient(opts);
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

/** Polls `attempt` until it resolves (at most ~15 s): recovery after an upstream restart, without timing assertions. */
async function eventually<T>(attempt: () => Promise<T>): Promise<T> {
  let last: unknown;
  for (let i = 0; i < 50; i++) {
    try {
      return await attempt();
    } catch (error) {
      last = error;
      await sleep(300);
    }
  }
  throw last;
}

describe('federation: forwarding to real upstreams', () => {
  let gw: Gateway;
  let http: Everything;
  let sse: Everything;
  let doomed: Everything;
  let breaker: Everything;
  let stateful: StatefulUpstream;
  const open: Client[] = [];
  const client = async (opts: ClientOpts = {}, headers: Record<string, string> = {}) => {
    const c = await connected(`${gw.url}/mcp`, opts, headers);
    open.push(c);
    return c;
  };

  const register = async (name: string, url: string, extra: Record<string, unknown> = {}) => {
    const res = await fetch(`${gw.url}/gateways`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, url, transport: 'STREAMABLEHTTP', ...extra }),
    });
    if (res.status !== 201) throw new Error(`POST /gateways ${name}: ${res.status} ${await res.text()}`);
  };

  beforeAll(async () => {
    [http, sse, doomed, breaker, stateful] = await Promise.all([
      startEverything('streamableHttp'),
      startEverything('sse'),
      startEverything('streamableHttp'),
      startEverything('streamableHttp'),
      startStatefulUpstream(),
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'mcpgw-forward-'));
    gw = await startGateway({
      config: testConfig({
        AUTH_REQUIRED: 'false',
        SSRF_ALLOW_LOCALHOST: 'true',
        PORT: '0',
        DATABASE_URL: `sqlite:///${join(dir, 'gw.db')}`,
        CIRCUIT_BREAKER_THRESHOLD: '2',
        CIRCUIT_BREAKER_COOLDOWN: '1',
        FEDERATION_CONNECT_TIMEOUT: '5',
      }),
      logger: false,
    });
    // Registration discovers through POST /gateways; discovery refuses a resource URI another gateway already
    // has, so the other server-everything instances (same URIs) are stored directly, as discovery would.
    await register('http', http.url);
    await register('state', stateful.url);
    await register('pass', stateful.url, { passthrough_auth: true });
    const base = { prefix: true } as const;
    await federateDirectly(gw.store, { ...base, name: 'sse', transport: 'SSE', url: sse.url });
    await federateDirectly(gw.store, {
      ...base,
      name: 'stdio',
      transport: 'STDIO',
      url: 'stdio',
      command: EVERYTHING_STDIO_ARGV,
      timeoutMs: 20_000,
    });
    await federateDirectly(gw.store, {
      ...base,
      name: 'doomed',
      transport: 'STREAMABLEHTTP',
      url: doomed.url,
      timeoutMs: 20_000,
    });
    await federateDirectly(gw.store, {
      ...base,
      name: 'breaker',
      transport: 'STREAMABLEHTTP',
      url: breaker.url,
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(open.map((c) => c.close()));
    await gw?.close();
    await Promise.allSettled([http, sse, doomed, breaker].map((u) => u?.stop()));
    await stateful?.close();
  });

  const transports = [
    { name: 'http', direct: (): Transport => new StreamableHTTPClientTransport(new URL(http.url)) },
    { name: 'sse', direct: (): Transport => new SSEClientTransport(new URL(sse.url)) },
    {
      name: 'stdio',
      direct: (): Transport =>
        new StdioClientTransport({
          command: EVERYTHING_STDIO_ARGV[0]!,
          args: EVERYTHING_STDIO_ARGV.slice(1),
        }),
    },
  ];

  describe.each(transports)('over $name', ({ name, direct }) => {
    it('passes every content type through exactly as the upstream sent it', async () => {
      const upstream = mcpClient();
      await upstream.connect(direct());
      const viaGateway = await client();
      const calls: Array<[string, Record<string, unknown>]> = [
        ['echo', { message: 'fidelity' }],
        ['get-tiny-image', {}],
        ['get-annotated-message', { messageType: 'error', includeImage: true }],
        ['get-resource-reference', { resourceType: 'Text', resourceId: 3 }],
        ['get-resource-links', { count: 3 }],
        ['get-structured-content', { location: 'Chicago' }],
      ];
      for (const [tool, args] of calls) {
        const expected = await upstream.callTool({ name: tool, arguments: args });
        const actual = await viaGateway.callTool({ name: `${name}-${tool}`, arguments: args });
        expect(timeless(actual), tool).toBe(timeless(expected));
      }
      const uri = 'demo://resource/static/document/architecture.md';
      expect(await viaGateway.readResource({ uri })).toEqual(await upstream.readResource({ uri }));
      const prompt = { name: 'args-prompt', arguments: { city: 'Lyon', state: 'Rhône' } };
      expect(await viaGateway.getPrompt({ ...prompt, name: `${name}-args-prompt` })).toEqual(
        await upstream.getPrompt(prompt),
      );
      await upstream.close();
    });

    it('relays sampling, elicitation and roots to the client whose call caused them, and only to it', async () => {
      const seen = { a: [] as string[], b: [] as string[] };
      const a = await client({
        roots: ['file:///alice'],
        onSampling: () => seen.a.push('sampling'),
        onElicitation: () => seen.a.push('elicitation'),
      });
      const b = await client({
        roots: ['file:///bob'],
        onSampling: () => seen.b.push('sampling'),
        onElicitation: () => seen.b.push('elicitation'),
      });
      const [sampled] = await Promise.all([
        a.callTool({
          name: `${name}-trigger-sampling-request`,
          arguments: { prompt: 'hello', maxTokens: 10 },
        }),
        b.callTool({ name: `${name}-echo`, arguments: { message: 'bystander' } }),
      ]);
      expect(JSON.stringify(sampled)).toContain('a sampled answer');
      const elicited = await a.callTool({ name: `${name}-trigger-elicitation-request`, arguments: {} });
      expect(JSON.stringify(elicited)).toContain('decline');
      expect(seen).toEqual({ a: ['sampling', 'elicitation'], b: [] });

      if (name === 'stdio') return; // One stdio child per session: its roots are its own anyway.
      const rootsOf = async (c: Client) =>
        JSON.stringify(await c.callTool({ name: `${name}-get-roots-list`, arguments: {} }));
      expect(await rootsOf(a)).toContain('file:///alice');
      expect(await rootsOf(b)).toContain('file:///bob');
      expect(await rootsOf(a)).not.toContain('file:///bob');
    });

    it('delivers progress under the client token, in order, before the result', async () => {
      const c = await client();
      const order: string[] = [];
      const result = c
        .callTool(
          { name: `${name}-trigger-long-running-operation`, arguments: { duration: 1, steps: 3 } },
          { onprogress: (p) => order.push(`progress ${p.progress}/${p.total}`) },
        )
        .then((r) => (order.push('result'), r));
      expect((await result).content[0]).toMatchObject({ type: 'text' });
      expect(order, JSON.stringify(order)).toEqual([
        'progress 1/3',
        'progress 2/3',
        'progress 3/3',
        'result',
      ]);
    });
  });

  it("relays a client's roots/list_changed to its upstream session, which asks for the new roots", async () => {
    const opts = { roots: ['file:///before'] };
    const c = await client(opts);
    const roots = async () =>
      JSON.stringify(await c.callTool({ name: 'http-get-roots-list', arguments: {} }));
    expect(await roots()).toContain('file:///before');
    opts.roots = ['file:///after'];
    await c.sendRootsListChanged();
    await eventually(async () => {
      if (!(await roots()).includes('file:///after')) throw new Error('old roots still');
    });
  });

  it('keeps upstream state apart between two clients and opens one upstream session per client session', async () => {
    const a = await client();
    const b = await client();
    const count = async (c: Client) => (await c.callTool({ name: 'state-count', arguments: {} })).content[0];
    const before = stateful.sessionsOpened;
    expect([await count(a), await count(a), await count(b), await count(a), await count(b)]).toEqual(
      ['1', '2', '1', '3', '2'].map((text) => ({ type: 'text', text })),
    );
    expect(stateful.sessionsOpened - before).toBe(2);

    // Ending the client's session ends its upstream session too (DELETE upstream).
    const openBefore = stateful.sessionsOpen;
    await (a.transport as StreamableHTTPClientTransport).terminateSession();
    await eventually(() =>
      stateful.sessionsOpen < openBefore ? Promise.resolve() : Promise.reject(new Error('still open')),
    );
  });

  it('re-syncs the registry on an upstream tools/list_changed and tells connected clients', async () => {
    const watcher = await client();
    let changed = 0;
    watcher.setNotificationHandler('notifications/tools/list_changed', () => void changed++);
    const names = async () => (await watcher.listTools()).tools.map((t) => t.name);
    expect(await names()).not.toContain('state-grown');
    await watcher.callTool({ name: 'state-grow', arguments: {} });
    await eventually(async () => {
      if (changed === 0 || !(await names()).includes('state-grown')) throw new Error('not re-synced yet');
    });
  });

  it("subscribes upstream for a federated resource and delivers the upstream's resources/updated", async () => {
    const c = await client();
    const uri = 'demo://resource/static/document/architecture.md';
    const updates: string[] = [];
    c.setNotificationHandler('notifications/resources/updated', (n) => void updates.push(n.params.uri));
    await c.subscribeResource({ uri });
    await c.callTool({ name: 'http-toggle-subscriber-updates', arguments: {} });
    await eventually(() =>
      updates.length > 0 ? Promise.resolve() : Promise.reject(new Error('no update yet')),
    );
    expect(updates[0]).toBe(uri);
    await c.callTool({ name: 'http-toggle-subscriber-updates', arguments: {} });
    await c.unsubscribeResource({ uri });
  });

  it('sends X-Upstream-Authorization upstream as Authorization only to a passthrough gateway', async () => {
    const c = await client({}, { 'X-Upstream-Authorization': 'Bearer for-the-upstream' });
    const seen = stateful.authorizations.length;
    await c.callTool({ name: 'state-count', arguments: {} });
    await c.callTool({ name: 'pass-count', arguments: {} });
    expect(stateful.authorizations.slice(seen)).toEqual([undefined, 'Bearer for-the-upstream']);
  });

  it('runs one stdio child per client session, whatever the number of calls', async () => {
    const before = everythingChildren().length;
    const a = await client();
    const b = await client();
    for (let i = 0; i < 5; i++) {
      await a.callTool({ name: 'stdio-echo', arguments: { message: `a${i}` } });
      await b.callTool({ name: 'stdio-echo', arguments: { message: `b${i}` } });
    }
    expect(everythingChildren().length - before).toBe(2);
    await (a.transport as StreamableHTTPClientTransport).terminateSession();
    await eventually(() =>
      everythingChildren().length - before === 1
        ? Promise.resolve()
        : Promise.reject(new Error('child still runs')),
    );
  });

  it('passes a client cancellation on to the upstream', async () => {
    const c = await client();
    const controller = new AbortController();
    const call = c.callTool({ name: 'state-wait', arguments: {} }, { signal: controller.signal });
    await sleep(200);
    controller.abort('the user gave up');
    await expect(call).rejects.toThrow();
    await eventually(() =>
      stateful.events.some((e) => e.startsWith('cancelled'))
        ? Promise.resolve()
        : Promise.reject(new Error('not yet')),
    );
  });

  it('answers a call whose upstream dies with an error (not a timeout), keeps serving others, and recovers', async () => {
    const c = await client();
    await c.callTool({ name: 'doomed-echo', arguments: { message: 'warm up' } });
    const call = c.callTool({
      name: 'doomed-trigger-long-running-operation',
      arguments: { duration: 30, steps: 30 },
    });
    await sleep(500);
    const port = doomed.port;
    await doomed.stop();
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toMatch(/doomed/);
    expect(String(error)).not.toMatch(/did not answer/);
    // Other gateways are unaffected.
    expect(await c.callTool({ name: 'state-count', arguments: {} })).toMatchObject({
      content: [{ type: 'text' }],
    });
    doomed = await startEverything('streamableHttp', port);
    const echoed = await eventually(() =>
      c.callTool({ name: 'doomed-echo', arguments: { message: 'back' } }),
    );
    expect(echoed).toEqual({ content: [{ type: 'text', text: 'Echo: back' }] });
  });

  it('answers a call whose stdio child is killed with an error, and starts a new child for the next call', async () => {
    const c = await client();
    await c.callTool({ name: 'stdio-echo', arguments: { message: 'warm up' } });
    const call = c.callTool({
      name: 'stdio-trigger-long-running-operation',
      arguments: { duration: 30, steps: 30 },
    });
    await sleep(500);
    for (const pid of everythingChildren()) process.kill(pid, 'SIGKILL');
    await expect(call).rejects.toThrow(/stdio/);
    expect(await c.callTool({ name: 'stdio-echo', arguments: { message: 'again' } })).toEqual({
      content: [{ type: 'text', text: 'Echo: again' }],
    });
  });

  it('opens the circuit after repeated failures, fails fast with a clear error, and closes after recovery', async () => {
    const c = await client();
    await c.callTool({ name: 'breaker-echo', arguments: { message: 'up' } });
    const port = breaker.port;
    await breaker.stop();
    for (let i = 0; i < 2; i++)
      await expect(c.callTool({ name: 'breaker-echo', arguments: { message: 'down' } })).rejects.toThrow(
        /breaker/,
      );
    await expect(c.callTool({ name: 'breaker-echo', arguments: { message: 'down' } })).rejects.toThrow(
      /gateway breaker is unavailable \(circuit open after 2 failures\); retrying in \ds/,
    );
    breaker = await startEverything('streamableHttp', port);
    expect(
      await eventually(() => c.callTool({ name: 'breaker-echo', arguments: { message: 'back' } })),
    ).toEqual({
      content: [{ type: 'text', text: 'Echo: back' }],
    });
    expect(await c.callTool({ name: 'breaker-echo', arguments: { message: 'steady' } })).toEqual({
      content: [{ type: 'text', text: 'Echo: steady' }],
    });
  });
});

/** Pids of the stdio server-everything children this test process (the gateway) spawned. */
function everythingChildren(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes('server-everything') && line.trim().endsWith('stdio'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}
