// The official conformance suite against a virtual server of native entities (REST tools, templated prompts, stored resources).
// Scenarios whose content only an upstream MCP server produces (image/audio content, sampling, elicitation, progress,
// logging from a tool, prompts with embedded media) are run through a federated server in conformance-gateway.test.ts.
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config/load.js';
import { startGateway, type Gateway } from '../../src/main.js';
import { runConformance } from '../helpers/conformance.js';

const BUDGET_MS = 300_000;
/** Every active server scenario that REST tools, templated prompts and stored resources can serve. */
const NATIVE_SCENARIOS = [
  'server-initialize',
  'logging-set-level',
  'ping',
  'completion-complete',
  'tools-list',
  'tools-call-simple-text',
  'tools-call-error',
  'resources-list',
  'resources-read-text',
  'resources-read-binary',
  'resources-templates-read',
  'resources-subscribe',
  'resources-unsubscribe',
  'prompts-list',
  'prompts-get-simple',
  'prompts-get-with-args',
  'server-sse-multiple-streams',
  'dns-rebinding-protection',
];
// 1x1 transparent PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** The REST upstream of the native tools: one endpoint that answers, one that always fails. */
async function startUpstream(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/simple-text')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('This is a simple text response for testing.');
    } else {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('This tool intentionally returns an error for testing');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function post(gw: Gateway, path: string, body: unknown): Promise<{ id: string }> {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

describe('conformance of native entities through /servers/{id}/mcp', () => {
  let gw: Gateway;
  let upstream: { url: string; server: Server };
  let serverId: string;

  beforeAll(async () => {
    upstream = await startUpstream();
    const dir = mkdtempSync(join(tmpdir(), 'mcpgw-conf-'));
    // The conformance CLI cannot send a token, so this gateway runs with AUTH_REQUIRED=false on loopback.
    const config = testConfig({
      AUTH_REQUIRED: 'false',
      SSRF_ALLOW_LOCALHOST: 'true',
      PORT: '0',
      CACHE_TYPE: 'memory',
      DATABASE_URL: `sqlite:///${join(dir, 'conf.db')}`,
    });
    gw = await startGateway({ config, logger: false });
    const tools = [
      await post(gw, '/tools', {
        name: 'test_simple_text',
        url: `${upstream.url}/simple-text`,
        request_type: 'GET',
        description: 'Returns simple text content',
      }),
      await post(gw, '/tools', {
        name: 'test_error_handling',
        url: `${upstream.url}/error`,
        request_type: 'GET',
        description: 'Always returns an error',
      }),
    ];
    const resources = [
      await post(gw, '/resources', {
        uri: 'test://static-text',
        name: 'static-text',
        description: 'A static text resource',
        mime_type: 'text/plain',
        content: 'This is the content of the static text resource.',
      }),
      await post(gw, '/resources', {
        uri: 'test://static-binary',
        name: 'static-binary',
        description: 'A static binary resource',
        mime_type: 'image/png',
        content: PNG,
        content_encoding: 'base64',
      }),
      await post(gw, '/resources', {
        uri: 'test://template/data',
        uri_template: 'test://template/{id}/data',
        name: 'template',
        description: 'A resource template',
        mime_type: 'application/json',
        content: '{"id": "{id}", "data": "Data for ID: {id}"}',
      }),
      await post(gw, '/resources', {
        uri: 'test://watched-resource',
        name: 'watched-resource',
        description: 'A resource clients subscribe to',
        mime_type: 'text/plain',
        content: 'Watched resource content',
      }),
    ];
    const prompts = [
      await post(gw, '/prompts', {
        name: 'test_simple_prompt',
        description: 'A simple prompt',
        template: 'This is a simple prompt for testing.',
        arguments: [],
      }),
      await post(gw, '/prompts', {
        name: 'test_prompt_with_arguments',
        description: 'A prompt with arguments',
        template: "Prompt with arguments: arg1='{{ arg1 }}', arg2='{{ arg2 }}'",
        arguments: [
          { name: 'arg1', description: 'First argument', required: true },
          { name: 'arg2', description: 'Second argument', required: true },
        ],
      }),
    ];
    serverId = (
      await post(gw, '/servers', {
        name: 'conformance',
        associated_tools: tools.map((t) => t.id),
        associated_resources: resources.map((r) => r.id),
        associated_prompts: prompts.map((p) => p.id),
      })
    ).id;
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
    upstream?.server.close();
  });

  it(
    'passes every active scenario that native entities can serve',
    async () => {
      const result = await runConformance({
        url: `${gw.url}/servers/${serverId}/mcp`,
        scenarios: NATIVE_SCENARIOS,
        timeoutMs: BUDGET_MS - 10_000,
      });
      expect(result.failed).toEqual([]);
      expect(result.passed.sort()).toEqual([...NATIVE_SCENARIOS].sort());
    },
    BUDGET_MS,
  );
});
