// mcpgateway translate with server-everything behind it, driven by real v1 SDK clients over SSE and Streamable HTTP.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  EVERYTHING,
  groupMembers,
  isRunning,
  spawnTranslate,
  type TranslateProcess,
} from '../fixtures/cli/spawn-translate.js';

const STDIO = `node ${EVERYTHING} stdio`;
const textOf = (result: unknown): string =>
  ((result as { content: Array<{ text: string }> }).content[0] as { text: string }).text;

async function connect(kind: 'sse' | 'streamable', base: string): Promise<Client> {
  const client = new Client({ name: `e2e-${kind}`, version: '1.0.0' });
  const transport =
    kind === 'sse'
      ? new SSEClientTransport(new URL(`${base}/sse`))
      : new StreamableHTTPClientTransport(new URL(`${base}/mcp`));
  await client.connect(transport);
  return client;
}

const initializeBody = (id: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('translate: one stdio server, many HTTP clients', () => {
  let bridge: TranslateProcess;
  let sse: Client;
  let streamable: Client;

  beforeAll(async () => {
    bridge = await spawnTranslate(['--stdio', STDIO, '--expose-sse', '--expose-streamable-http']);
    [sse, streamable] = await Promise.all([connect('sse', bridge.url), connect('streamable', bridge.url)]);
  });

  afterAll(async () => {
    await Promise.allSettled([sse?.close(), streamable?.close()]);
    if (bridge !== undefined && bridge.proc.exitCode === null) bridge.proc.kill('SIGKILL');
  });

  it('gives both clients the child server, initialized once', async () => {
    expect(sse.getServerVersion()?.name).toBe(streamable.getServerVersion()?.name);
    const [a, b] = await Promise.all([sse.listTools(), streamable.listTools()]);
    expect(a.tools.map((t) => t.name)).toContain('echo');
    expect(b.tools.map((t) => t.name)).toEqual(a.tools.map((t) => t.name));
  });

  it('routes each answer to its own client although both reuse the same JSON-RPC ids', async () => {
    // Both SDK clients number requests 0, 1, 2, … so every pair below shares an id at the child's door.
    const rounds = Array.from({ length: 10 }, (_, i) => i);
    const results = await Promise.all(
      rounds.flatMap((i) => [
        sse.callTool({ name: 'echo', arguments: { message: `sse-${i}` } }).then(textOf),
        streamable.callTool({ name: 'echo', arguments: { message: `http-${i}` } }).then(textOf),
      ]),
    );
    console.log(
      `translate e2e: ${results.length} concurrent echo answers, e.g. ${results[0]} / ${results[1]}`,
    );
    expect(results).toEqual(rounds.flatMap((i) => [`Echo: sse-${i}`, `Echo: http-${i}`]));
  });

  it('delivers progress notifications only to the client whose call they belong to', async () => {
    const seen = { sse: new Set<number>(), http: new Set<number>() };
    // The SDK uses the request id as progress token, so both clients pick the same token.
    await Promise.all([
      sse.callTool(
        { name: 'trigger-long-running-operation', arguments: { duration: 0.2, steps: 2 } },
        undefined,
        { onprogress: (p) => seen.sse.add(p.total ?? -1) },
      ),
      streamable.callTool(
        { name: 'trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } },
        undefined,
        { onprogress: (p) => seen.http.add(p.total ?? -1) },
      ),
    ]);
    expect([...seen.sse]).toEqual([2]);
    expect([...seen.http]).toEqual([3]);
  });

  it('refuses a second in-flight request with the same id in one Streamable HTTP session, at once', async () => {
    const init = await fetch(`${bridge.url}/mcp`, {
      method: 'POST',
      headers: MCP_HEADERS,
      body: JSON.stringify(initializeBody(1)),
    });
    const session = init.headers.get('mcp-session-id')!;
    await init.text();
    const headers = { ...MCP_HEADERS, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' };
    const slow = {
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'trigger-long-running-operation', arguments: { duration: 1, steps: 1 } },
    };
    const first = fetch(`${bridge.url}/mcp`, { method: 'POST', headers, body: JSON.stringify(slow) });
    const firstResponse = await first; // headers arrive as soon as the SSE stream opens
    const dup = await fetch(`${bridge.url}/mcp`, { method: 'POST', headers, body: JSON.stringify(slow) });
    expect(dup.status).toBe(400);
    expect(((await dup.json()) as { id: number }).id).toBe(7);
    expect(await firstResponse.text()).toContain('Long running operation completed');
  });

  it('answers 404 for unknown sessions on both transports, and 403 to a foreign Origin', async () => {
    const mcp = await fetch(`${bridge.url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, 'mcp-session-id': '__proto__' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(mcp.status).toBe(404);
    const message = await fetch(`${bridge.url}/message?session_id=constructor`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(message.status).toBe(404);
    const foreign = await fetch(`${bridge.url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, origin: 'http://evil.example' },
      body: JSON.stringify(initializeBody(1)),
    });
    expect(foreign.status).toBe(403);
  });

  it('stops on SIGTERM and leaves no process of the child behind', async () => {
    const { childPid } = bridge;
    expect(isRunning(childPid)).toBe(true);
    bridge.proc.kill('SIGTERM');
    expect(await bridge.exited).toEqual({ code: 0, signal: null });
    await vi.waitFor(() => expect(groupMembers(childPid)).toEqual([]), { timeout: 10_000, interval: 50 });
    expect(isRunning(childPid)).toBe(false);
    console.log(`translate e2e: child pid ${childPid} and its process group are gone after SIGTERM`);
  });
});

describe('translate: when the stdio server dies', () => {
  it('reports it and exits non-zero, taking the rest of the process group along', async () => {
    // The child leaves a grandchild in its group: `sh -c` is the command here, not our way of running it.
    const bridge = await spawnTranslate(['--stdio', `sh -c "sleep 300 & exec node ${EVERYTHING} stdio"`]);
    await vi.waitFor(() => expect(groupMembers(bridge.childPid).length).toBe(2), { timeout: 10_000 });
    process.kill(bridge.childPid, 'SIGKILL');
    expect(await bridge.exited).toEqual({ code: 1, signal: null });
    expect(bridge.stderr()).toContain('stdio server killed by SIGKILL');
    await vi.waitFor(() => expect(groupMembers(bridge.childPid)).toEqual([]), {
      timeout: 10_000,
      interval: 50,
    });
  });

  it('refuses to start when the command cannot be run, without a shell', async () => {
    await expect(spawnTranslate(['--stdio', 'definitely-not-a-command-xyz --flag'])).rejects.toThrow(
      /exited early \(1\).*cannot start definitely-not-a-command-xyz/s,
    );
  });
});
