// OneShotPeer: the peer of a request that carries all its context itself (/rpc, stateless 2026-07-28 HTTP).
import type { ClientCapabilities, LoggingLevel } from '@modelcontextprotocol/server';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../errors/app-error.js';
import type { CatalogScope } from './catalog.js';
import { InflightRequests, type McpPeer, type PeerState } from './peer.js';
import type { JSONRPCMessage, RequestId } from './protocol/json-rpc.js';

export interface OneShotPeerOptions {
  mode: 'stateless' | 'rpc';
  principal: Principal;
  scope: CatalogScope;
  protocolVersion: string;
  clientCapabilities?: ClientCapabilities;
  logLevel?: LoggingLevel;
  /** Aborted when the client disconnects: on these transports that is the cancellation signal. */
  closed: AbortSignal;
  /** Where related messages (progress, logs) go; undefined drops them (a plain JSON answer). */
  send?: (message: JSONRPCMessage, related?: RequestId) => void;
}

const unsupported = (what: string): AppError =>
  new AppError({
    code: 'Unavailable',
    message: `${what} needs a session (Streamable HTTP, SSE or WebSocket)`,
  });

const reasonOf = (signal: AbortSignal): string =>
  signal.reason instanceof Error ? signal.reason.message : 'The client went away';

export class OneShotPeer implements McpPeer {
  readonly mode: 'stateless' | 'rpc';
  readonly principal: Principal;
  readonly scope: CatalogScope;
  readonly sessionId = undefined;
  readonly closed: AbortSignal;
  readonly inflight = new InflightRequests();
  readonly #state: PeerState;
  readonly #send: ((message: JSONRPCMessage, related?: RequestId) => void) | undefined;

  constructor(opts: OneShotPeerOptions) {
    this.mode = opts.mode;
    this.principal = opts.principal;
    this.scope = opts.scope;
    this.closed = opts.closed;
    // One listener per peer (per HTTP request), which lives as long as that request's signal.
    const abortAll = (): void => this.inflight.abortAll(reasonOf(opts.closed));
    if (opts.closed.aborted) abortAll();
    else opts.closed.addEventListener('abort', abortAll, { once: true });
    this.#send = opts.send;
    this.#state = {
      protocolVersion: opts.protocolVersion,
      clientCapabilities: opts.clientCapabilities ?? {},
      logLevel: opts.logLevel ?? null,
    };
  }

  state(): Promise<PeerState> {
    return Promise.resolve(this.#state);
  }

  setState(): Promise<void> {
    return Promise.reject(unsupported('Changing session state'));
  }

  subscribe(): Promise<void> {
    return Promise.reject(unsupported('resources/subscribe'));
  }

  unsubscribe(): Promise<void> {
    return Promise.reject(unsupported('resources/unsubscribe'));
  }

  send(message: JSONRPCMessage, related?: RequestId): void {
    this.#send?.(message, related);
  }

  request(method: string): Promise<unknown> {
    return Promise.reject(unsupported(`A server-to-client ${method} request`));
  }

  settle(): void {
    // Nothing is ever outstanding: request() refuses.
  }
}
