// registerMcpRoutes: every MCP endpoint on the Fastify app, over one Dispatcher and one SessionHub.
import type { Implementation } from '@modelcontextprotocol/server';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { withUpstreamAuthorization, type Principal } from '../auth/principal.js';
import type { Config } from '../config/load.js';
import { APP_VERSION } from '../version.js';
import type { McpCatalog } from './catalog.js';
import { Dispatcher } from './dispatcher.js';
import { shuttingDown } from './drain.js';
import { classifyMessage, INVALID_REQUEST, JsonRpcError } from './protocol/json-rpc.js';
import { parseMessageText } from './protocol/parse-message.js';
import type { SessionHub } from './session-hub.js';
import type { InboundRequest } from './transports/inbound-request.js';
import { headerOf, writeFailure, writeJson } from './transports/http-io.js';
import { LegacySse } from './transports/legacy-sse.js';
import { createRequestGuards } from './transports/request-guards.js';
import { RpcEndpoint } from './transports/rpc.js';
import { StatelessHttp } from './transports/stateless-http.js';
import { StreamableHttp } from './transports/streamable-http.js';
import { WebSocketTransport } from './transports/websocket.js';

export interface McpLimits {
  /** Items per page of every MCP list. */
  pageSize: number;
  /** Replayable SSE events kept per stream (Last-Event-ID). */
  maxEventsPerStream: number;
  maxEventBytesPerStream: number;
  maxStreamsPerSession: number;
}

export const DEFAULT_MCP_LIMITS: Readonly<McpLimits> = Object.freeze({
  pageSize: 100,
  maxEventsPerStream: 1000,
  maxEventBytesPerStream: 1024 * 1024,
  maxStreamsPerSession: 32,
});

export interface McpLogger {
  error(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  debug(obj: unknown, msg?: string): void;
}

export interface McpRoutesDeps {
  catalog: McpCatalog;
  /** This instance's live sessions, built by the composition root; these routes' preClose closes it once calls drained. */
  hub: SessionHub;
  config: Config;
  /** The REST API's authenticator: resolves a Principal or rejects with AppError Unauthorized. */
  authenticate: (headers: { authorization?: string | undefined }) => Promise<Principal>;
  logger: McpLogger;
  serverInfo?: Implementation;
  limits?: Partial<McpLimits>;
  /** True once the process began to stop (before Fastify's close hooks run): new work is refused from then. */
  isShuttingDown?: () => boolean;
}

type Handle = (http: InboundRequest, request: FastifyRequest) => Promise<void>;

/**
 * Streamable HTTP at /mcp and /servers/{id}/mcp, legacy SSE at /sse + /message (and per server), /rpc,
 * and WebSocket at /ws. Each route checks Host and Origin, then authenticates itself, so MCP endpoints
 * never depend on plugin order; the routes are declared `auth: 'self'` so the REST auth hook leaves them to it.
 * Build the app with `return503OnClosing: false`: while calls drain, these routes decide what still gets in.
 */
export function registerMcpRoutes(app: FastifyInstance, deps: McpRoutesDeps): void {
  const { config, logger } = deps;
  const limits = { ...DEFAULT_MCP_LIMITS, ...deps.limits };
  const keepAliveMs = config.sseKeepaliveInterval * 1000;
  const { hub } = deps;
  const dispatcher = new Dispatcher(
    {
      catalog: deps.catalog,
      serverInfo: deps.serverInfo ?? { name: 'mcpgateway', version: APP_VERSION },
      pageSize: limits.pageSize,
    },
    logger,
  );
  const guards = createRequestGuards({ bindHost: config.host, allowedOrigins: config.allowedOrigins });
  const stateless = new StatelessHttp({ dispatcher, hub, keepAliveMs });
  const streamable = new StreamableHttp({
    dispatcher,
    hub,
    stateless,
    keepAliveMs,
    eventLimits: {
      maxEventsPerStream: limits.maxEventsPerStream,
      maxBytesPerStream: limits.maxEventBytesPerStream,
      maxStreams: limits.maxStreamsPerSession,
      ttlMs: config.messageTtl * 1000,
    },
  });
  const rpc = new RpcEndpoint({ dispatcher, hub });
  const sse = new LegacySse({ dispatcher, hub, keepAliveMs });
  const ws = new WebSocketTransport({
    dispatcher,
    hub,
    guards,
    authenticate: deps.authenticate,
    maxPayload: config.maxBodyBytes,
    keepAliveMs,
    logger,
  });

  const onUpgrade = (
    req: Parameters<WebSocketTransport['upgrade']>[0],
    socket: Parameters<WebSocketTransport['upgrade']>[1],
    head: Buffer,
  ): void => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/$/, '');
    if (path === '/ws') void ws.upgrade(req, socket, head);
    else if (app.server.listenerCount('upgrade') === 1) socket.destroy();
  };
  app.server.on('upgrade', onUpgrade);
  // preClose, before server.close(): calls in flight on every transport finish first (within the grace period;
  // new ones are refused meanwhile), and only then do sessions end, with their open streams, which would
  // otherwise keep server.close() waiting forever.
  app.addHook('preClose', async () => {
    const drained = await dispatcher.drain.close(config.shutdownGraceMs);
    if (!drained)
      logger.warn(
        { inflight: dispatcher.drain.active, graceMs: config.shutdownGraceMs },
        'MCP calls still running when the shutdown grace period ended: they are cancelled',
      );
    app.server.off('upgrade', onUpgrade);
    await hub.close();
    await ws.close();
  });

  void app.register((scope, _opts, done) => {
    // Bodies stay text until parseMessageText: nesting is bounded before anything recursive sees them.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

    /** `finishesCalls`: while draining, a POST of only responses and notifications is still taken (see below). */
    const mount = (
      method: 'GET' | 'POST' | 'DELETE',
      url: string,
      handle: Handle,
      finishesCalls = false,
    ): void => {
      scope.route({
        method,
        url,
        config: { auth: 'self', whileClosing: 'self' },
        handler: async (request, reply) => {
          reply.hijack();
          const res = reply.raw;
          // A call in flight may be waiting for the client's answer to a server-to-client request (sampling,
          // elicitation) or be cancelled: those still get through; anything that starts new work gets the 503
          // every route answers during shutdown.
          const closing = dispatcher.drain.closing || deps.isShuttingDown?.() === true;
          if (closing && !(finishesCalls && repliesOnly(request))) {
            const refusal = shuttingDown();
            return writeJson(
              res,
              503,
              { detail: refusal.message, code: refusal.code },
              { connection: 'close' },
            );
          }
          try {
            guards.checkHost(request.headers);
            guards.checkOrigin(request.headers);
            const principal = withUpstreamAuthorization(
              await deps.authenticate({ authorization: request.headers.authorization }),
              request.headers['x-upstream-authorization'],
            );
            const serverId = (request.params as { serverId?: string }).serverId;
            await handle(
              { req: request.raw, res, principal, scope: serverId === undefined ? {} : { serverId } },
              request,
            );
          } catch (error) {
            writeFailure(res, error, logger);
          }
        },
      });
    };

    for (const base of ['', '/servers/:serverId']) {
      mount('POST', `${base}/mcp`, (http, request) => streamable.post(http, jsonBody(request)), true);
      mount('GET', `${base}/mcp`, (http) => streamable.get(http));
      mount('DELETE', `${base}/mcp`, (http) => streamable.delete(http));
      mount('GET', `${base}/sse`, (http) => sse.open(http, messagePath(http)));
      mount(
        'POST',
        `${base}/message`,
        (http, request) => sse.message(http, sessionIdOf(request), jsonBody(request)),
        true,
      );
    }
    mount('POST', '/rpc', (http, request) => rpc.handle(http, jsonBody(request)));
    done();
  });
}

function jsonBody(request: FastifyRequest): unknown {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json')
    throw new JsonRpcError(INVALID_REQUEST, 'Unsupported Media Type: send application/json', undefined, 415);
  return parseMessageText(typeof request.body === 'string' ? request.body : '');
}

/** A body of JSON-RPC responses and notifications only: nothing in it starts new work. */
function repliesOnly(request: FastifyRequest): boolean {
  try {
    const body = jsonBody(request);
    const messages: unknown[] = Array.isArray(body) ? body : [body];
    return (
      messages.length > 0 &&
      messages.every((m) => ['response', 'notification'].includes(classifyMessage(m).kind))
    );
  } catch {
    return false;
  }
}

function messagePath(http: InboundRequest): string {
  const serverId = http.scope.serverId;
  return serverId === undefined ? '/message' : `/servers/${encodeURIComponent(serverId)}/message`;
}

function sessionIdOf(request: FastifyRequest): string | undefined {
  const query = request.query as Record<string, string | string[] | undefined>;
  return headerOf(query.session_id) ?? headerOf(query.sessionId);
}
