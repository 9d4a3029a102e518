// The official conformance suite through the gateway: the conformance fixture federated (prefix mode never) on a
// virtual server; every scenario that passes against the fixture directly must pass through /servers/{id}/mcp.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config/load.js';
import { startGateway, type Gateway } from '../../src/main.js';
import { startConformanceServer, type ConformanceServer } from '../fixtures/conformance-server/index.js';
import { runConformance } from '../helpers/conformance.js';

// A cold npx cache first downloads node@22 and the suite (~1 min); the scenarios then take seconds.
const BUDGET_MS = 300_000;

async function call(gw: Gateway, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const ids = (list: unknown) => (list as Array<{ id: string }>).map((item) => item.id);

describe('conformance through the gateway (federated fixture)', () => {
  let fixture: ConformanceServer;
  let gw: Gateway;
  let endpoint: string;

  beforeAll(async () => {
    fixture = await startConformanceServer();
    const dir = mkdtempSync(join(tmpdir(), 'mcpgw-conf-gw-'));
    // The conformance CLI cannot send a token, so this gateway runs with AUTH_REQUIRED=false on loopback.
    gw = await startGateway({
      config: testConfig({
        AUTH_REQUIRED: 'false',
        SSRF_ALLOW_LOCALHOST: 'true',
        HOST: '127.0.0.1',
        PORT: '0',
        DATABASE_URL: `sqlite:///${join(dir, 'conf.db')}`,
      }),
      logger: false,
    });
    const gateway = (await call(gw, 'POST', '/gateways', {
      name: 'conformance',
      url: fixture.url,
      transport: 'STREAMABLEHTTP',
      prefix_mode: 'never',
    })) as { id: string };
    const owned = `gateway_id=${gateway.id}&limit=0`;
    const server = (await call(gw, 'POST', '/servers', {
      name: 'conformance-through-gateway',
      associated_tools: ids(await call(gw, 'GET', `/tools?${owned}`)),
      associated_resources: ids(await call(gw, 'GET', `/resources?${owned}`)),
      associated_prompts: ids(await call(gw, 'GET', `/prompts?${owned}`)),
    })) as { id: string };
    endpoint = `${gw.url}/servers/${server.id}/mcp`;
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
    await fixture?.close();
  });

  it(
    'passes every scenario of the active server suite that the fixture passes directly',
    async () => {
      const result = await runConformance({ url: endpoint, timeoutMs: BUDGET_MS - 10_000 });
      expect(result.failed).toEqual([]);
      expect(result.expected).toEqual([]);
      // The fixture passes all 30 active scenarios of the pinned release (conformance-fixture.test.ts).
      expect(result.passed).toHaveLength(30);
      expect(result.passed).toEqual(
        expect.arrayContaining([
          'tools-call-sampling',
          'tools-call-elicitation',
          'tools-call-with-progress',
          'tools-call-with-logging',
          'completion-complete',
        ]),
      );
    },
    BUDGET_MS,
  );

  it(
    'passes the pending scenarios the fixture passes too (JSON Schema 2020-12, SSE polling)',
    async () => {
      const scenarios = ['json-schema-2020-12', 'server-sse-polling'];
      const result = await runConformance({ url: endpoint, scenarios, timeoutMs: BUDGET_MS - 10_000 });
      expect(result).toEqual({ passed: scenarios, failed: [], expected: [] });
    },
    BUDGET_MS,
  );
});
