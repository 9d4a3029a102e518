// LiveSession: the in-process half of a session (in-flight requests, streams); its record lives in the SessionStore.
import { setMaxListeners } from 'node:events';
import type { Principal } from '../auth/principal.js';
import type { SessionPatch, SessionRecord, SessionStore } from '../cache/session-store.js';
import { AppError } from '../errors/app-error.js';
import type { CatalogScope } from './catalog.js';
import { OutgoingRequests } from './outgoing-requests.js';
import { InflightRequests, type McpPeer, type OutgoingOptions, type PeerState } from './peer.js';
import type { JSONRPCMessage, JSONRPCResponse, RequestId } from './protocol/json-rpc.js';

/** How a transport carries messages to the client of one session. */
export interface SessionChannel {
  /** Writes in call order; `related` names the request a message belongs to (Streamable HTTP routes by it). */
  deliver(message: JSONRPCMessage, related?: RequestId): void;
  /** Ends the session's streams; called once when the session closes. */
  close(): void;
}

/** Passes on what the client sent for a request this instance neither asked nor serves. */
export interface SessionElsewhere {
  answer(response: JSONRPCResponse): void;
  cancel(id: RequestId, reason: string): void;
}

const NOWHERE: SessionElsewhere = { answer: () => undefined, cancel: () => undefined };

export class LiveSession implements McpPeer {
  readonly mode = 'session';
  readonly sessionId: string;
  readonly scope: CatalogScope;
  readonly inflight: InflightRequests;
  /** When this instance last wrote the session's last use to the store (performance.now() ms; 0: never). */
  touchedAt = 0;
  readonly #outgoing: OutgoingRequests;
  readonly #closed = new AbortController();
  /** The record as last read or written by this instance (Streamable HTTP reads it on every request). */
  #latest: SessionRecord;

  constructor(
    record: SessionRecord,
    readonly principal: Principal,
    private readonly store: SessionStore,
    readonly channel: SessionChannel,
    /** What concerns another instance holding the session: a client's answer or cancellation not meant for here. */
    private readonly elsewhere: SessionElsewhere = NOWHERE,
  ) {
    this.inflight = new InflightRequests((id, reason) => elsewhere.cancel(id, reason));
    this.sessionId = record.id;
    this.#latest = record;
    this.scope = record.serverId === null ? {} : { serverId: record.serverId };
    this.#outgoing = new OutgoingRequests((message, related) => this.send(message, related));
    // Each upstream session opened for it (one per federated gateway it calls) listens for its end: more than
    // ten is normal, not the leak Node warns about.
    setMaxListeners(0, this.#closed.signal);
  }

  get closed(): AbortSignal {
    return this.#closed.signal;
  }

  /**
   * What initialize and logging/setLevel recorded, as of the record this request was resolved with: not read
   * again (with CACHE_TYPE=database that was a second query on every call).
   */
  state(): Promise<PeerState> {
    const record = this.#latest;
    return Promise.resolve({
      protocolVersion: record.protocolVersion,
      clientCapabilities: record.clientCapabilities,
      logLevel: record.logLevel,
    });
  }

  /** The record the session hub just read from the store for a request of this session. */
  seen(record: SessionRecord): void {
    this.#latest = record;
  }

  async setState(patch: SessionPatch): Promise<void> {
    const updated = await this.store.update(this.sessionId, patch);
    if (updated === undefined) throw this.#gone();
    this.#latest = updated;
  }

  async subscribe(uri: string): Promise<void> {
    if (!(await this.store.addSubscription(this.sessionId, uri))) throw this.#gone();
  }

  async unsubscribe(uri: string): Promise<void> {
    if (!(await this.store.removeSubscription(this.sessionId, uri))) throw this.#gone();
  }

  send(message: JSONRPCMessage, related?: RequestId): void {
    if (!this.#closed.signal.aborted) this.channel.deliver(message, related);
  }

  /** A message for the session as a whole (list_changed, resources/updated). */
  notify(method: string, params?: Record<string, unknown>): void {
    this.send({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }) });
  }

  request(
    method: string,
    params: Record<string, unknown> | undefined,
    opts: OutgoingOptions,
  ): Promise<unknown> {
    return this.#outgoing.request(method, params, opts);
  }

  settle(response: JSONRPCResponse): void {
    if (!this.#outgoing.settle(response)) this.elsewhere.answer(response);
  }

  /** An answer relayed from another instance: settled if it was asked here, never passed on again. */
  settleRelayed(response: JSONRPCResponse): void {
    this.#outgoing.settle(response);
  }

  /** The record as stored now; NotFound once the session expired or was deleted elsewhere. */
  async record(): Promise<SessionRecord> {
    return this.#record();
  }

  /** Ends the in-process half: aborts what is running, ends the streams. Idempotent. */
  close(reason: string): void {
    if (this.#closed.signal.aborted) return;
    this.#closed.abort(new Error(reason));
    this.inflight.abortAll(reason);
    this.#outgoing.rejectAll(reason);
    this.channel.close();
  }

  async #record(): Promise<SessionRecord> {
    const record = await this.store.get(this.sessionId);
    if (record === undefined) throw this.#gone();
    return record;
  }

  #gone(): AppError {
    return new AppError({ code: 'NotFound', message: `Session not found: ${this.sessionId}` });
  }
}
