// The bridge's HTTP server: guards, routes `/sse` + `/message` and `/mcp` to their endpoints, and shuts down cleanly.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../errors/app-error.js';
import type { Bridge } from './bridge.js';
import { rebindingRefusal, toAppError, writeError } from './http-util.js';
import { SseEndpoint } from './sse-endpoint.js';
import { StreamableEndpoint } from './streamable-endpoint.js';

export interface TranslateServerOptions {
  bridge: Bridge;
  host: string;
  port: number;
  exposeSse: boolean;
  exposeStreamableHttp: boolean;
  keepAliveMs: number;
  maxBodyBytes: number;
  sessionIdleMs: number;
  log: (line: string) => void;
}

export interface TranslateServer {
  /** The bound address, e.g. `http://127.0.0.1:8000` (the real port when 0 was asked for). */
  url: string;
  port: number;
  close(): Promise<void>;
}

const notFound = (): AppError => new AppError({ code: 'NotFound', message: 'Not found' });

export async function startTranslateServer(opts: TranslateServerOptions): Promise<TranslateServer> {
  const sse = new SseEndpoint({
    bridge: opts.bridge,
    messagePath: '/message',
    keepAliveMs: opts.keepAliveMs,
    maxBodyBytes: opts.maxBodyBytes,
    maxQueuedBytes: 16 * opts.maxBodyBytes,
    log: opts.log,
  });
  const streamable = new StreamableEndpoint({
    bridge: opts.bridge,
    keepAliveMs: opts.keepAliveMs,
    maxBodyBytes: opts.maxBodyBytes,
    idleMs: opts.sessionIdleMs,
    log: opts.log,
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refusal = rebindingRefusal(req, opts.host);
    if (refusal !== undefined) throw refusal;
    const url = new URL(req.url ?? '/', 'http://bridge.invalid');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/healthz' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', sessions: opts.bridge.sessionCount }));
      return;
    }
    if (opts.exposeSse && path === '/sse' && req.method === 'GET') return sse.openStream(req, res);
    if (opts.exposeSse && path === '/message' && req.method === 'POST') return sse.post(req, res, url);
    if (opts.exposeStreamableHttp && path === '/mcp') return streamable.handle(req, res);
    throw notFound();
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      const appError = toAppError(error);
      if (appError.code === 'Internal')
        opts.log(`internal error: ${String((error as Error).stack ?? error)}`);
      writeError(res, appError);
    });
  });
  // Below Node's defaults, so stalled clients cannot hold sockets open for minutes.
  server.headersTimeout = 15_000;
  server.requestTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const sweeper = setInterval(() => streamable.sweep(Date.now()), Math.min(opts.sessionIdleMs, 60_000));
  sweeper.unref();

  const port = (server.address() as AddressInfo).port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    async close() {
      clearInterval(sweeper);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      sse.closeAll();
      await streamable.closeAll();
      server.closeAllConnections();
      await closed;
    },
  };
}
