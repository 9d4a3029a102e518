// WebSocket (/ws): one session per connection, one JSON-RPC message per text frame, in both directions.
import { once } from 'node:events';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { withUpstreamAuthorization, type Principal } from '../../auth/principal.js';
import { isAppError } from '../../errors/app-error.js';
import { httpStatusOf } from '../../errors/codes.js';
import type { CatalogScope } from '../catalog.js';
import type { Dispatcher } from '../dispatcher.js';
import { shuttingDown } from '../drain.js';
import type { LiveSession } from '../live-session.js';
import { errorResponse, toWireError } from '../protocol/json-rpc.js';
import { parseMessageText } from '../protocol/parse-message.js';
import type { SessionHub } from '../session-hub.js';
import type { InternalErrorLog } from './http-io.js';
import type { RequestGuards } from './request-guards.js';

export interface WebSocketOptions {
  dispatcher: Dispatcher;
  hub: SessionHub;
  guards: RequestGuards;
  authenticate: (headers: { authorization?: string | undefined }) => Promise<Principal>;
  /** Largest accepted frame (MAX_BODY_BYTES). */
  maxPayload: number;
  /** Milliseconds between pings; a peer that missed the previous pong is dropped. */
  keepAliveMs: number;
  logger: InternalErrorLog;
}

export class WebSocketTransport {
  readonly #wss: WebSocketServer;

  constructor(private readonly opts: WebSocketOptions) {
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: opts.maxPayload,
      // MCP clients offer the "mcp" subprotocol; clients offering none are served too.
      handleProtocols: (protocols) => (protocols.has('mcp') ? 'mcp' : false),
    });
  }

  /**
   * The HTTP upgrade: the same Host/Origin guards and bearer auth as every MCP endpoint, answered with
   * a plain HTTP status before any WebSocket exists. Browsers cannot set Authorization on a WebSocket,
   * so a `token` query parameter is read as a bearer token too (ContextForge's /ws does the same).
   */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    let principal: Principal;
    let scope: CatalogScope;
    try {
      if (this.opts.dispatcher.drain.closing) throw shuttingDown();
      this.opts.guards.checkHost(req.headers);
      this.opts.guards.checkOrigin(req.headers);
      const url = new URL(req.url ?? '/', 'http://localhost');
      const token = url.searchParams.get('token');
      principal = withUpstreamAuthorization(
        await this.opts.authenticate({
          authorization: req.headers.authorization ?? (token === null ? undefined : `Bearer ${token}`),
        }),
        req.headers['x-upstream-authorization'],
      );
      const serverId = url.searchParams.get('server_id');
      scope = serverId === null || serverId === '' ? {} : { serverId };
      await this.opts.hub.checkScope(scope);
    } catch (error) {
      return refuse(socket, error, this.opts.logger);
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#serve(ws, principal, scope));
  }

  /**
   * Ends every connection with a close handshake, so answers already sent reach the client before the socket
   * goes; a peer that has not answered the handshake within `waitMs` is cut.
   */
  async close(waitMs = 1000): Promise<void> {
    const clients = [...this.#wss.clients];
    for (const client of clients) client.close(1001, 'The gateway is shutting down');
    const closed = clients.filter((c) => c.readyState !== c.CLOSED).map((c) => once(c, 'close'));
    await Promise.race([Promise.all(closed), sleep(waitMs, undefined, { ref: false })]);
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
  }

  #serve(ws: WebSocket, principal: Principal, scope: CatalogScope): void {
    let alive = true;
    const ready: Promise<LiveSession> = this.opts.hub.open(principal, scope, 'ws', (_record, touch) => {
      const timer = setInterval(() => {
        if (!alive) return ws.terminate();
        alive = false;
        ws.ping();
        touch();
      }, this.opts.keepAliveMs);
      timer.unref();
      ws.on('close', () => clearInterval(timer));
      return {
        deliver: (message) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
        },
        close: () => ws.close(1000),
      };
    });
    ws.on('pong', () => (alive = true));
    ws.on('error', (error) => this.opts.logger.error({ err: error }, 'MCP WebSocket error'));
    ws.on('close', () => {
      void ready.then((s) => this.opts.hub.terminate(s.sessionId, 'WebSocket closed')).catch(() => undefined);
    });
    ready.catch((error: unknown) => {
      this.opts.logger.error({ err: error }, 'MCP WebSocket session could not open');
      ws.close(1011);
    });
    // Frames are chained on `ready` so none is lost while the session is being created, and each starts in order.
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void ready.then((session) => this.#frame(session, data, isBinary)).catch(() => undefined);
    });
  }

  #frame(session: LiveSession, data: RawData, isBinary: boolean): void {
    let value: unknown;
    try {
      if (isBinary) throw new Error('binary frames are not JSON-RPC');
      value = parseMessageText(rawText(data));
    } catch (error) {
      session.send(
        errorResponse(
          null,
          toWireError(error, () => undefined),
        ),
      );
      return;
    }
    for (const message of Array.isArray(value) ? value : [value])
      void this.opts.dispatcher.handle(session, message).then((response) => {
        if (response !== undefined) session.send(response);
      });
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}

function refuse(socket: Duplex, error: unknown, logger: InternalErrorLog): void {
  const status = isAppError(error) ? httpStatusOf(error.code) : 500;
  if (!isAppError(error)) logger.error({ err: error }, 'MCP WebSocket upgrade failed');
  const challenge = isAppError(error)
    ? (error.data as { wwwAuthenticate?: string | string[] } | undefined)?.wwwAuthenticate
    : undefined;
  // The REST error shape: a refused handshake is a plain HTTP answer.
  const body = isAppError(error) ? JSON.stringify({ detail: error.message, code: error.code }) : '';
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`];
  for (const value of [challenge ?? []].flat()) lines.push(`WWW-Authenticate: ${value}`);
  if (body !== '') lines.push('Content-Type: application/json');
  lines.push('Connection: close', `Content-Length: ${Buffer.byteLength(body)}`, '', body);
  socket.end(lines.join('\r\n'));
}
