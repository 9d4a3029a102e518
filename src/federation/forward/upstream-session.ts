// UpstreamSession: one open upstream MCP session, and a request through it that relays progress and honours cancellation.
import { SdkError, SdkErrorCode } from '@modelcontextprotocol/client';
import type { UpstreamConnection } from '../connect.js';
import { ANY_RESULT } from './any-result.js';
import type { CallRelay } from './call-relay.js';
import type { ForwardContext } from './forward-context.js';

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
  }

  get inflight(): number {
    return this.#inflight;
  }

  get lastUsed(): number {
    return this.#lastUsed;
  }

  get isClosed(): boolean {
    return this.#closed;
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
    // The upstream's response stream ended without an answer (its process died, the reconnects failed):
    // fail now instead of waiting out the whole timeout.
    const streamLost = new AbortController();
    const token = ctx.progressToken;
    try {
      return await this.#connection.client.request({ method, params }, ANY_RESULT, {
        signal: AbortSignal.any([ctx.signal, streamLost.signal]),
        timeout: timeoutMs,
        ...(token === undefined
          ? {}
          : {
              onprogress: (progress) =>
                void ctx.sendNotification({
                  method: 'notifications/progress',
                  params: { ...progress, progressToken: token },
                }),
            }),
        onRequestStreamEnd: () =>
          // The stream also ends right after a normal answer: by the next turn that answer has settled the request.
          setImmediate(() =>
            streamLost.abort(
              new SdkError(
                SdkErrorCode.ConnectionClosed,
                'the upstream ended the response stream without answering',
              ),
            ),
          ),
      });
    } finally {
      end();
      this.#inflight -= 1;
      this.#lastUsed = this.#now();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#connection.close();
  }
}
