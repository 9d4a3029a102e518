// Server-to-client traffic over real sockets: list_changed, resources/updated, progress order, cancellation.
import { Client as ClientV2, StreamableHTTPClientTransport as HttpV2 } from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport as SseV1 } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport as HttpV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { WebSocketClientTransport as WsV1 } from '@modelcontextprotocol/sdk/client/websocket.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { buildMcpTestApp, type McpTestApp } from '../helpers/mcp-app.js';
import { fixtureCatalog } from '../helpers/mcp-fixture.js';

const headers = { Authorization: 'Bearer alice' };

/** A promise with its resolver, for waiting on an event without timers. */
function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('MCP notifications and cancellation over real sockets', () => {
  let h: McpTestApp;
  let base: string;
  const started = new Map<string, ReturnType<typeof signal<void>>>();
  const aborted = new Map<string, ReturnType<typeof signal<string>>>();

  beforeAll(async () => {
    const catalog = fixtureCatalog();
    // `hang` runs until its signal aborts, and reports both moments to the test by the `key` argument.
    catalog.addTool({ name: 'hang' }, (args, ctx) => {
      const key = String(args.key);
      started.get(key)?.resolve();
      return new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => {
          aborted.get(key)?.resolve(String(ctx.signal.reason));
          reject(new Error('aborted'));
        });
      });
    });
    catalog.addTool({ name: 'steps' }, async (_args, ctx) => {
      for (let i = 1; i <= 3; i++)
        await ctx.sendNotification({
          method: 'notifications/progress',
          params: { progressToken: ctx.progressToken!, progress: i, total: 3 },
        });
      return { content: [{ type: 'text', text: 'all steps done' }] };
    });
    h = await buildMcpTestApp({ catalog });
    base = await h.listen();
    (globalThis as { WebSocket?: unknown }).WebSocket = class extends NodeWebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols, { headers });
      }
    };
  });
  afterAll(async () => {
    delete (globalThis as { WebSocket?: unknown }).WebSocket;
    await h.close();
  });

  const transports: [string, () => Transport][] = [
    ['Streamable HTTP', () => new HttpV1(new URL('/mcp', base), { requestInit: { headers } })],
    ['legacy SSE', () => new SseV1(new URL('/sse', base), { requestInit: { headers } })],
    ['WebSocket', () => new WsV1(new URL('/ws', base.replace('http', 'ws')))],
  ];

  describe.each(transports)('%s', (name, transport) => {
    it('delivers tools/list_changed to an open session when the registry changes', async () => {
      const client = new ClientV1({ name: 'watcher', version: '1' });
      const changed = signal();
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => changed.resolve());
      await client.connect(transport());
      h.catalog.addTool({ name: `new-${name.replace(/\W/g, '')}` });
      await changed.promise;
      expect((await client.listTools()).tools.map((t) => t.name)).toContain(`new-${name.replace(/\W/g, '')}`);
      await client.close();
    });

    it('delivers resources/updated to a subscriber, and not after unsubscribing', async () => {
      const client = new ClientV1({ name: 'subscriber', version: '1' });
      const updates: string[] = [];
      const updated = signal();
      client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
        updates.push(n.params.uri);
        updated.resolve();
      });
      await client.connect(transport());
      await client.subscribeResource({ uri: 'file:///readme' });
      h.catalog.updateResource('file:///readme', '# Billing v2');
      await updated.promise;
      expect(updates).toEqual(['file:///readme']);
      expect(await client.readResource({ uri: 'file:///readme' })).toMatchObject({
        contents: [{ text: '# Billing v2' }],
      });
      await client.unsubscribeResource({ uri: 'file:///readme' });
      h.catalog.updateResource('file:///readme', '# Billing');
      // A request round trip after the update: had a notification been sent, it would have arrived first.
      await client.ping();
      expect(updates).toEqual(['file:///readme']);
      await client.close();
    });

    it('sends progress notifications before the result, in order', async () => {
      const client = new ClientV1({ name: 'progress', version: '1' });
      const t = transport();
      await client.connect(t);
      // Recorded at the transport: the v1 client runs notification handlers a microtask later than it
      // settles responses, so its onprogress can miss progress that arrived in the same chunk.
      const wire: string[] = [];
      const deliver = t.onmessage!;
      t.onmessage = (message, extra) => {
        const m = message as { method?: string; params?: { progress?: number }; result?: unknown };
        wire.push(
          m.method === 'notifications/progress'
            ? `progress ${m.params?.progress}`
            : 'result' in m
              ? 'result'
              : '?',
        );
        deliver(message, extra);
      };
      const result = await client.callTool({ name: 'steps', arguments: {} }, undefined, {
        onprogress: () => undefined,
      });
      expect(result).toMatchObject({ content: [{ text: 'all steps done' }] });
      expect(wire).toEqual(['progress 1', 'progress 2', 'progress 3', 'result']);
      await client.close();
    });

    it('aborts the tool call’s ctx.signal when the client cancels', async () => {
      const key = `cancel-${name}`;
      started.set(key, signal());
      aborted.set(key, signal<string>());
      const client = new ClientV1({ name: 'canceller', version: '1' });
      await client.connect(transport());
      const controller = new AbortController();
      const call = client.callTool({ name: 'hang', arguments: { key } }, undefined, {
        signal: controller.signal,
      });
      await started.get(key)!.promise;
      controller.abort('user pressed stop');
      await expect(call).rejects.toThrow();
      expect(await aborted.get(key)!.promise).toContain('user pressed stop');
      await client.close();
    });
  });

  describe('stateless 2026-07-28 (SDK v2 client)', () => {
    const modernClient = async () => {
      const client = new ClientV2(
        { name: 'modern', version: '2' },
        { versionNegotiation: { mode: { pin: '2026-07-28' } } },
      );
      await client.connect(new HttpV2(new URL('/mcp', base), { requestInit: { headers } }));
      return client;
    };

    it('delivers list_changed on a subscriptions/listen stream', async () => {
      const client = await modernClient();
      const changed = signal();
      client.setNotificationHandler('notifications/tools/list_changed', () => changed.resolve());
      const subscription = await client.listen({ toolsListChanged: true });
      h.catalog.addTool({ name: 'born-while-listening' });
      await changed.promise;
      await subscription.close();
      await client.close();
    });

    it('aborts ctx.signal when the client abandons the request (the connection closes)', async () => {
      const key = 'cancel-stateless';
      started.set(key, signal());
      aborted.set(key, signal<string>());
      const client = await modernClient();
      const controller = new AbortController();
      const call = client.callTool({ name: 'hang', arguments: { key } }, { signal: controller.signal });
      await started.get(key)!.promise;
      controller.abort('gone');
      await expect(call).rejects.toThrow();
      expect(await aborted.get(key)!.promise).toContain('closed');
      await client.close();
    });
  });
});
