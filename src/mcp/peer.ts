// McpPeer: what the dispatcher knows about the client a message came from, whatever the transport.
import type { ClientCapabilities, LoggingLevel } from '@modelcontextprotocol/server';
import type { Principal } from '../auth/principal.js';
import type { SessionPatch } from '../cache/session-store.js';
import type { CatalogScope } from './catalog.js';
import { idKey, type JSONRPCMessage, type JSONRPCResponse, type RequestId } from './protocol/json-rpc.js';

/**
 * `session`: a 2025-revision session (initialize, Mcp-Session-Id, SSE, WebSocket).
 * `stateless`: a 2026-07-28 request carrying its own `_meta` envelope, no session.
 * `rpc`: one JSON-RPC request per POST on /rpc, no session, 2025-shaped results.
 */
export type PeerMode = 'session' | 'stateless' | 'rpc';

export interface PeerState {
  /** Null before `initialize` on a session. */
  protocolVersion: string | null;
  clientCapabilities: ClientCapabilities;
  logLevel: LoggingLevel | null;
}

export interface McpPeer {
  readonly mode: PeerMode;
  readonly principal: Principal;
  readonly scope: CatalogScope;
  readonly sessionId: string | undefined;
  /** Aborted when the session ends or, for one-shot peers, when the client goes away. */
  readonly closed: AbortSignal;
  /** Requests being handled; the peer aborts them all (abortAll) when `closed` is aborted. */
  readonly inflight: InflightRequests;
  state(): Promise<PeerState>;
  /** Records what initialize / logging/setLevel negotiated (session peers only). */
  setState(patch: SessionPatch): Promise<void>;
  subscribe(uri: string): Promise<void>;
  unsubscribe(uri: string): Promise<void>;
  /** Queues a message to the client in order; `related` is the request it belongs to, if any. */
  send(message: JSONRPCMessage, related?: RequestId): void;
  /** Sends a server-to-client request and resolves with the client's result. */
  request(
    method: string,
    params: Record<string, unknown> | undefined,
    opts: OutgoingOptions,
  ): Promise<unknown>;
  /** Routes a response the client sent back to the request waiting for it. */
  settle(response: JSONRPCResponse): void;
}

export interface OutgoingOptions {
  related?: RequestId;
  signal: AbortSignal;
  timeoutMs: number;
}

/** The client's requests being served; duplicates of an id still in flight are refused, not queued. */
export class InflightRequests {
  readonly #requests = new Map<string, AbortController>();

  /** `elsewhere`: a cancellation of a request not running here (another instance may be serving it). */
  constructor(private readonly elsewhere: (id: RequestId, reason: string) => void = () => undefined) {}

  /** A controller for the new request, or undefined when a request with this id is still in flight. */
  begin(id: RequestId): AbortController | undefined {
    const key = idKey(id);
    if (this.#requests.has(key)) return undefined;
    const controller = new AbortController();
    this.#requests.set(key, controller);
    return controller;
  }

  end(id: RequestId, controller: AbortController): void {
    const key = idKey(id);
    if (this.#requests.get(key) === controller) this.#requests.delete(key);
  }

  cancel(id: RequestId, reason: string): void {
    if (!this.cancelHere(id, reason)) this.elsewhere(id, reason);
  }

  /** Cancels the request if it runs here; false when it does not. */
  cancelHere(id: RequestId, reason: string): boolean {
    const controller = this.#requests.get(idKey(id));
    controller?.abort(new Error(reason));
    return controller !== undefined;
  }

  abortAll(reason: string): void {
    for (const controller of this.#requests.values()) controller.abort(new Error(reason));
    this.#requests.clear();
  }

  get size(): number {
    return this.#requests.size;
  }
}
