// Registering server-everything over Streamable HTTP, SSE and stdio with a running gateway (real sockets, real
// processes): discovery into the registry, MCP clients seeing the federated tools, two gateways sharing resource URIs, health checks.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTokenSigner } from '../../src/auth/jwt.js';
import { testConfig } from '../../src/config/load.js';
import { startGateway, type Gateway } from '../../src/main.js';
import { backends, type TestStore } from '../helpers/backends.js';
import {
  EVERYTHING_STDIO_ARGV,
  startEverything,
  type Everything,
} from '../fixtures/federation/everything.js';

interface Named {
  name: string;
}

/** The fields these tests read from gateway bodies and error bodies. */
interface Body {
  id: string;
  detail: string;
  reachable: boolean;
  serverInfo: { name: string };
}

for (const backend of backends()) {
  describe(`federation discovery end to end (${backend.name})`, () => {
    let testStore: TestStore;
    let gw: Gateway;
    let token: string;
    let http: Everything;
    let sse: Everything;

    async function api<T = Body>(
      method: string,
      path: string,
      body?: unknown,
    ): Promise<{ status: number; json: T }> {
      const res = await fetch(`${gw.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, json: (text === '' ? null : JSON.parse(text)) as T };
    }

    beforeAll(async () => {
      [http, sse] = await Promise.all([startEverything('streamableHttp'), startEverything('sse')]);
      testStore = await backend.open();
      const config = testConfig({
        PORT: '0',
        DATABASE_URL: testStore.url,
        SSRF_ALLOW_LOCALHOST: 'true',
        STDIO_ALLOWED_COMMANDS: process.execPath,
        HEALTH_CHECK_INTERVAL: '1',
        UNHEALTHY_THRESHOLD: '1',
      });
      gw = await startGateway({ config, logger: false });
      token = await createTokenSigner(config).sign({
        username: 'admin@example.com',
        expMinutes: 60,
        admin: true,
      });
    });
    afterAll(async () => {
      await gw.close();
      await testStore.dispose();
      await Promise.all([http.stop(), sse.stop()]);
    });

    const targets = () => [
      { transport: 'STREAMABLEHTTP', url: http.url },
      { transport: 'SSE', url: sse.url },
      { transport: 'STDIO', command: EVERYTHING_STDIO_ARGV },
    ];

    it('discovers tools, resources, templates and prompts over every transport, visible to MCP clients', async () => {
      for (const target of targets()) {
        const created = await api('POST', '/gateways', { name: 'everything', ...target });
        expect(created.status, JSON.stringify(created.json)).toBe(201);
        const id = created.json.id;
        expect(created.json.serverInfo.name).toBe('mcp-servers/everything');

        const tools = (await api<Array<Named & Record<string, unknown>>>('GET', `/tools?gateway_id=${id}`))
          .json;
        expect(tools.map((x) => x.name)).toEqual(
          expect.arrayContaining(['everything-echo', 'everything-get-sum']),
        );
        expect(tools.find((x) => x.name === 'everything-echo')).toMatchObject({
          originalName: 'echo',
          integrationType: 'MCP',
          requestType: target.transport,
          inputSchema: { $schema: 'http://json-schema.org/draft-07/schema#', required: ['message'] },
        });
        const resources = (await api<Array<{ uri: string; gatewayId: string }>>('GET', '/resources')).json
          .filter((r) => r.gatewayId === id)
          .map((r) => r.uri);
        expect(resources).toEqual(
          expect.arrayContaining([
            'demo://resource/static/document/architecture.md',
            'demo://resource/dynamic/text/{resourceId}',
          ]),
        );
        const prompts = (await api<Array<Named & { arguments: unknown }>>('GET', '/prompts')).json;
        expect(prompts.find((p) => p.name === 'everything-args-prompt')?.arguments).toEqual([
          { name: 'city', description: 'Name of the city', required: true },
          { name: 'state', required: false },
        ]);

        const client = new Client({ name: 'e2e', version: '1' });
        await client.connect(
          new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`), {
            requestInit: { headers: { authorization: `Bearer ${token}` } },
          }),
        );
        const listed = await client.listTools();
        expect(listed.tools.map((x) => x.name)).toContain('everything-echo');
        const echoed = await client.callTool({ name: 'everything-echo', arguments: { message: 'hi' } });
        expect(echoed.content).toEqual([{ type: 'text', text: 'Echo: hi' }]);
        await client.close();

        expect((await api('DELETE', `/gateways/${id}`)).status).toBe(200);
        expect((await api<unknown[]>('GET', `/tools?gateway_id=${id}`)).json).toEqual([]);
      }
    });

    it('registers a second gateway exposing the same resource URIs; a virtual server takes one of each', async () => {
      expect((await api('POST', '/gateways', { name: 'first', url: http.url })).status).toBe(201);
      const second = await api<Body>('POST', '/gateways', { name: 'second', transport: 'SSE', url: sse.url });
      expect(second.status).toBe(201);
      expect((await api<Named[]>('GET', '/gateways')).json.map((g) => g.name).sort()).toEqual([
        'first',
        'second',
      ]);
      const resources = (await api<Array<{ id: string; uri: string }>>('GET', '/resources')).json;
      const [one, two] = resources.filter((r) => r.uri === resources[0]!.uri);
      expect(two).toBeDefined();
      const server = await api('POST', '/servers', {
        name: 'both',
        associated_resources: [one!.id, two!.id],
      });
      expect(server.status).toBe(409);
      expect(server.json.detail).toContain(one!.id);
      expect(server.json.detail).toContain(two!.id);
      expect((await api('DELETE', `/gateways/${String(second.json.id)}`)).status).toBe(200);
    });

    it('marks an upstream that went away unreachable, and reachable again once it is back', async () => {
      const first = (await api<Body[]>('GET', '/gateways')).json[0]!;
      const reachable = async () => (await api('GET', `/gateways/${first.id}`)).json.reachable;
      await http.stop();
      await vi.waitFor(async () => expect(await reachable()).toBe(false), { timeout: 15_000, interval: 200 });
      const tools = (await api<Body[]>('GET', `/tools?gateway_id=${first.id}`)).json;
      expect(tools.every((x) => !x.reachable)).toBe(true);
      http = await startEverything('streamableHttp', http.port);
      await vi.waitFor(async () => expect(await reachable()).toBe(true), { timeout: 15_000, interval: 200 });
    });
  });
}
