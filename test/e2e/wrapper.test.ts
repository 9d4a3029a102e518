// mcpgateway wrapper driven by a v1 SDK stdio client, forwarding to server-everything behind mcpgateway translate.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EVERYTHING,
  RUN_CLI,
  spawnTranslate,
  type TranslateProcess,
} from '../fixtures/cli/spawn-translate.js';

const textOf = (result: unknown): string =>
  ((result as { content: Array<{ text: string }> }).content[0] as { text: string }).text;

describe('wrapper: a stdio MCP server relaying to a Streamable HTTP endpoint', () => {
  let bridge: TranslateProcess;
  let client: Client;
  let env: Record<string, string>;

  beforeAll(async () => {
    bridge = await spawnTranslate(['--stdio', `node ${EVERYTHING} stdio`, '--expose-streamable-http']);
    env = {
      ...(process.env as Record<string, string>),
      MCP_SERVER_URL: `${bridge.url}/mcp`,
      MCP_AUTH: 'Bearer e2e-token',
      MCP_TOOL_CALL_TIMEOUT: '30',
    };
    // Declares sampling, so server-everything offers its sampling tool to this (first) client.
    client = new Client({ name: 'e2e-desktop', version: '1.0.0' }, { capabilities: { sampling: {} } });
    client.setRequestHandler(CreateMessageRequestSchema, (request) => ({
      model: 'e2e-model',
      role: 'assistant',
      content: { type: 'text', text: `sampled: ${request.params.messages.length} message(s)` },
    }));
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: ['--import', 'tsx', RUN_CLI, 'wrapper'],
        env,
        stderr: 'pipe',
      }),
    );
  });

  afterAll(async () => {
    await client?.close();
    bridge?.proc.kill('SIGTERM');
    if (bridge !== undefined) await bridge.exited;
  });

  it('lists the upstream tools and calls echo', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('echo');
    const result = await client.callTool({ name: 'echo', arguments: { message: 'through the wrapper' } });
    console.log(`wrapper e2e: ${tools.length} tools listed; echo said "${textOf(result)}"`);
    expect(textOf(result)).toBe('Echo: through the wrapper');
  });

  it('relays a server-to-client request (sampling) back to the stdio client and its answer upstream', async () => {
    const result = await client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'hi' } });
    expect(JSON.stringify(result)).toContain('sampled: 1 message(s)');
  });

  it('writes only JSON-RPC to stdout and exits 0 when stdin closes', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', RUN_CLI, 'wrapper'], { env });
    const lines: string[] = [];
    createInterface({ input: proc.stdout }).on('line', (line) => lines.push(line));
    const exited = once(proc, 'exit');
    proc.stdin.write(
      `${JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'raw', version: '1' },
        },
      })}\n`,
    );
    await once(proc.stdout, 'data');
    proc.stdin.end();
    const [code] = await exited;
    expect(code).toBe(0);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect(JSON.parse(lines[0]!)).toMatchObject({ id: 1, result: { protocolVersion: '2025-06-18' } });
  });

  it('refuses to start without MCP_SERVER_URL, saying so on stderr', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', RUN_CLI, 'wrapper'], {
      env: { ...env, MCP_SERVER_URL: '' },
    });
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let stdout = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const [code] = await once(proc, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('MCP_SERVER_URL is required');
    expect(stdout).toBe('');
  });
});
