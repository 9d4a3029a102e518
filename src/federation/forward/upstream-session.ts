// UpstreamSession: one open upstream MCP session, and a request through it that relays progress and honours cancellation.
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  LOG_LEVEL_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  SUBSCRIPTION_ID_META_KEY,
  SdkError,
  SdkErrorCode,
  SseError,
  type LoggingLevel,
} from '@modelcontextprotocol/client';
import type { UpstreamConnection } from '../connect.js';
import { StreamableHttpUpstream, UpstreamStreamLost } from '../streamable/streamable-upstream.js';
import { ANY_RESULT } from './any-result.js';
import type { CallRelay } from './call-relay.js';
import type { ForwardContext } from './forward-context.js';
import { tapNotifications, type InboundNotification } from './inbound-tap.js';

/**
 * Transport errors after which the connection is gone for good: the Streamable HTTP upstream's event stream
 * could not be reopened, or a legacy SSE stream broke (its server-side session dies with the stream).
 */
function isConnectionLost(error: Error): boolean {
  return error instanceof UpstreamStreamLost || SseError.isInstance(error);
}

const PROGRESS_PREFIX = 'mcpgw-';

/** The 2026-07-28 per-request envelope describes the client's hop to us, not ours to the upstream. */
const ENVELOPE_KEYS = new Set<string>([
  PROTOCOL_VERSION_META_KEY,
  CLIENT_INFO_META_KEY,
  CLIENT_CAPABILITIES_META_KEY,
  LOG_LEVEL_META_KEY,
  SUBSCRIPTION_ID_META_KEY,
]);

/**
 * The client's `_meta` goes upstream as sent (trace context, vendor keys), except its progress token (the
 * upstream gets ours, unique on this connection, and progress is relayed back under the client's) and the
 * stateless revision's envelope keys.
 */
function withMeta(
  params: Record<string, unknown>,
  meta: Readonly<Record<string, unknown>> | undefined,
  token: string | undefined,
): Record<string, unknown> {
  const rest = Object.fromEntries(
    Object.entries(meta ?? {}).filter(([key]) => key !== 'progressToken' && !ENVELOPE_KEYS.has(key)),
  );
  const merged = token === undefined ? rest : { ...rest, progressToken: token };
  return Object.keys(merged).length === 0 ? params : { ...params, _meta: merged };
}

/** A dead upstream must not hold up closing: the DELETE is a courtesy. */
const TERMINATE_BUDGET_MS = 2000;

function withinMs(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    work.then(
      () => (clearTimeout(timer), resolve()),
      () => (clearTimeout(timer), resolve()),
    );
  });
}

export interface UpstreamSessionInit {
  gatewayId: string;
  /** Pool key: `session:<id>` for a downstream session's own, `shared:…` for stateless callers. */
  key: string;
  /** Changes when the gateway's connection settings do: a session opened with old ones is replaced. */
  fingerprint: string;
  connection: UpstreamConnection;
  relay: CallRelay;
  now: () => number;
}

export class UpstreamSession {
  readonly gatewayId: string;
  readonly key: string;
  readonly fingerprint: string;
  readonly relay: CallRelay;
  readonly #connection: UpstreamConnection;
  readonly #now: () => number;
  /** Set once the transport gave up; every later call fails with it. */
  #lost: SdkError | undefined;
  /** How to fail each call in flight when the connection is lost (a listener set instead of a signal per call). */
  readonly #failInflight = new Set<(reason: SdkError) => void>();
  /** Our progress tokens upstream → where that call's progress goes. */
  readonly #progress = new Map<string, (params: Record<string, unknown>) => void>();
  #nextToken = 0;
  /** Resources this session subscribed to upstream: the client expects their updates, so it is not idle. */
  readonly #watching = new Set<string>();
  /** The level this upstream was last asked to log at (it logs as it pleases until told). */
  #logLevel: LoggingLevel | undefined;
  #lastUsed: number;
  #inflight = 0;
  #closed = false;

  constructor(init: UpstreamSessionInit) {
    this.gatewayId = init.gatewayId;
    this.key = init.key;
    this.fingerprint = init.fingerprint;
    this.relay = init.relay;
    this.#connection = init.connection;
    this.#now = init.now;
    this.#lastUsed = init.now();
    const client = init.connection.client;
    const previous = client.onerror;
    client.onerror = (error) => {
      previous?.(error);
      if (isConnectionLost(error)) this.#lose(error);
    };
    tapNotifications(client, (n) => this.#take(n));
  }

  /** Progress of our calls, logs and change notices: relayed synchronously, before any later result. */
  #take(notification: InboundNotification): boolean {
    if (notification.method === 'notifications/progress') {
      const token = notification.params?.progressToken;
      // A token of ours whose call already ended is dropped; anyone else's goes on to the SDK.
      if (typeof token !== 'string' || !token.startsWith(`${PROGRESS_PREFIX}`)) return false;
      this.#progress.get(token)?.(notification.params ?? {});
      return true;
    }
    if (notification.method === 'notifications/cancelled') return false;
    void this.relay.onNotification(notification);
    return true;
  }

  /**
   * The transport gave up (its reconnects failed, the SSE stream died): every call in flight fails now with a
   * connection error instead of waiting out its timeout, and the pool replaces this session.
   */
  #lose(cause: Error): void {
    if (this.#lost !== undefined) return;
    const lost = new SdkError(
      SdkErrorCode.ConnectionClosed,
      `the upstream connection was lost (${cause.message})`,
    );
    this.#lost = lost;
    for (const fail of this.#failInflight) fail(lost);
    this.#failInflight.clear();
  }

  get inflight(): number {
    return this.#inflight;
  }

  /** Whether someone is waiting on it: calls in flight or resource subscriptions. */
  get busy(): boolean {
    return this.#inflight > 0 || this.#watching.size > 0;
  }

  watch(uri: string, subscribed: boolean): void {
    if (subscribed) this.#watching.add(uri);
    else this.#watching.delete(uri);
  }

  get lastUsed(): number {
    return this.#lastUsed;
  }

  /** Closed by us, or lost: either way no call may use it any more. */
  get isClosed(): boolean {
    return this.#closed || this.#lost !== undefined;
  }

  /** Resolves when the upstream side is gone (closed by either end, or the child exited). */
  get closed(): Promise<void> {
    return this.#connection.closed;
  }

  /**
   * Sends one request and resolves with the upstream's result object exactly as sent. Progress goes to the
   * caller under the caller's own token, before the result (order is kept: both arrive on one stream).
   * Rejects with the SDK's error; the forwarder classifies it.
   */
  async request(
    method: string,
    params: Record<string, unknown>,
    ctx: ForwardContext,
    timeoutMs: number,
  ): Promise<Record<string, unknown>> {
    this.#inflight += 1;
    this.#lastUsed = this.#now();
    const end = this.relay.begin(ctx);
    const clientToken = ctx.progressToken;
    // Our own token upstream (the client's could clash with another client's on a shared connection).
    const token = clientToken === undefined ? undefined : `${PROGRESS_PREFIX}${++this.#nextToken}`;
    if (token !== undefined)
      this.#progress.set(token, (progress) => {
        void ctx.sendNotification({
          method: 'notifications/progress',
          params: { ...progress, progressToken: clientToken },
        });
      });
    const sent = withMeta(params, ctx.meta, token);
    try {
      if (ctx.logLevel !== undefined) this.setLogLevel(ctx.logLevel);
      return await this.#send(method, sent, ctx.signal, timeoutMs);
    } finally {
      if (token !== undefined) this.#progress.delete(token);
      end();
      this.#inflight -= 1;
      this.#lastUsed = this.#now();
    }
  }

  /**
   * The SDK request, failed at once if the connection is lost meanwhile. Why not AbortSignal.any([signal,
   * lost]): on Node 20 it costs ~14 µs per call (weak references held by the long-lived source signal),
   * several percent of a forwarded call. The SDK's own pending request ends when the lost session is closed.
   */
  #send(
    method: string,
    params: Record<string, unknown>,
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<Record<string, unknown>> {
    if (this.#lost !== undefined) return Promise.reject(this.#lost);
    return new Promise((resolve, reject) => {
      const fail = (reason: SdkError): void => reject(reason);
      this.#failInflight.add(fail);
      this.#connection.client.request({ method, params }, ANY_RESULT, { signal, timeout: timeoutMs }).then(
        (result) => {
          this.#failInflight.delete(fail);
          resolve(result);
        },
        (error: unknown) => {
          this.#failInflight.delete(fail);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  /**
   * Asks the upstream to log at `level` (the client's logging/setLevel), when it declared logging and was not
   * told this level already. Not awaited: it is advice (sent ahead of the call that follows, on the same
   * connection), and a refusal or a slow answer is not the client's problem: the gateway filters by level too.
   */
  setLogLevel(level: LoggingLevel): void {
    if (level === this.#logLevel || this.#connection.capabilities.logging === undefined) return;
    this.#logLevel = level;
    void this.#connection.client.setLoggingLevel(level).catch(() => undefined);
  }

  /** Relays the client's notifications/roots/list_changed (when the upstream was told the client has roots). */
  rootsChanged(): void {
    const client = this.#connection.client;
    void client.sendRootsListChanged().catch(() => undefined);
  }

  /** Ends the upstream session: a Streamable HTTP upstream is told with DELETE (spec), so it frees its state now. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const transport = this.#connection.client.transport;
    if (transport instanceof StreamableHttpUpstream && transport.sessionId !== undefined)
      await withinMs(transport.terminateSession(), TERMINATE_BUDGET_MS);
    await this.#connection.close();
  }
}
