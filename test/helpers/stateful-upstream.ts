// A small Streamable HTTP MCP server with per-session state (a counter) and a tool that reports its own cancellation.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { McpServer } from '@modelcontextprotocol/server';

export interface StatefulUpstream {
  url: string;
  /** What the upstream saw: `cancelled <id>` when a `wait` call was cancelled. */
  events: string[];
  /** The Authorization header of each initialize, in order (undefined when none came). */
  authorizations: Array<string | undefined>;
  /** Upstream sessions opened so far (each downstream session should cost exactly one). */
  readonly sessionsOpened: number;
  readonly sessionsOpen: number;
  close(): Promise<void>;
}

interface Shared {
  events: string[];
  /** Set by `grow`: every session opened from then on lists the tool `grown` too. */
  grown: boolean;
}

function build(shared: Shared): McpServer {
  const { events } = shared;
  const server = new McpServer(
    { name: 'stateful-upstream', version: '1.0.0' },
    { capabilities: { logging: {}, tools: { listChanged: true } } },
  );
  let count = 0;
  server.registerTool('count', { description: 'Counts calls in this upstream session' }, () => {
    count += 1;
    return { content: [{ type: 'text', text: String(count) }] };
  });
  server.registerTool('grow', { description: 'Adds the tool grown and announces tools/list_changed' }, () => {
    shared.grown = true;
    server.sendToolListChanged();
    return { content: [{ type: 'text', text: 'grown' }] };
  });
  if (shared.grown) server.registerTool('grown', { description: 'Added by grow' }, () => ({ content: [] }));
  server.registerTool('wait', { description: 'Waits until cancelled' }, async (ctx) => {
    await new Promise<void>((resolve) => {
      if (ctx.mcpReq.signal.aborted) resolve();
      ctx.mcpReq.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    events.push(`cancelled ${String(ctx.mcpReq.id)}`);
    return { content: [] };
  });
  return server;
}

export async function startStatefulUpstream(): Promise<StatefulUpstream> {
  const sessions = new Map<string, NodeStreamableHTTPServerTransport>();
  const shared: Shared = { events: [], grown: false };
  const { events } = shared;
  let opened = 0;
  const authorizations: Array<string | undefined> = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const header = req.headers['mcp-session-id'];
    const sessionId = Array.isArray(header) ? header[0] : header;
    if (sessionId === undefined && req.method === 'POST') {
      authorizations.push(req.headers.authorization);
      const transport = new NodeStreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (id) => {
          opened += 1;
          sessions.set(id, transport);
        },
      });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      await build(shared).connect(transport);
      return transport.handleRequest(req, res);
    }
    const transport = sessionId === undefined ? undefined : sessions.get(sessionId);
    if (transport === undefined) {
      res.writeHead(sessionId === undefined ? 400 : 404).end();
      return;
    }
    await transport.handleRequest(req, res);
  }

  const http = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    events,
    authorizations,
    get sessionsOpened() {
      return opened;
    },
    get sessionsOpen() {
      return sessions.size;
    },
    async close() {
      await Promise.all([...sessions.values()].map((t) => t.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
