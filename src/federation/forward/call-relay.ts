// CallRelay: routes what one upstream session sends on its own (logs, server→client requests, changes) to the right client.
import {
  ProtocolError,
  ProtocolErrorCode,
  type ClientContext,
  type JSONRPCRequest,
  type Notification,
  type Result,
} from '@modelcontextprotocol/client';
import { isAppError } from '../../errors/app-error.js';
import { rpcCodeOf } from '../../errors/codes.js';
import type { ForwardContext, RelayedRequestMethod } from './forward-context.js';

export type ListKind = 'tools' | 'resources' | 'prompts';

export interface CallRelayOptions {
  /**
   * A shared connection serves many stateless callers: what it sends outside a response could belong to any
   * of them, so it reaches a caller only when exactly one call is running.
   */
  shared: boolean;
  onListChanged(kind: ListKind): void;
  onResourceUpdated(uri: string): void;
}

const RELAYED = new Set<string>(['sampling/createMessage', 'elicitation/create', 'roots/list']);
const LIST_CHANGED = new Map<string, ListKind>([
  ['notifications/tools/list_changed', 'tools'],
  ['notifications/resources/list_changed', 'resources'],
  ['notifications/prompts/list_changed', 'prompts'],
]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The client's answer to a relayed request failed: the upstream gets the client's own error code when there is one. */
function toUpstreamError(error: unknown, method: string): ProtocolError {
  if (isAppError(error)) {
    const wire = error.code === 'UpstreamFailed' && isRecord(error.data) ? error.data : undefined;
    if (wire !== undefined && typeof wire.code === 'number')
      return new ProtocolError(
        wire.code,
        typeof wire.message === 'string' ? wire.message : error.message,
        wire.data,
      );
    return new ProtocolError(rpcCodeOf(error.code), error.message);
  }
  return new ProtocolError(
    ProtocolErrorCode.InternalError,
    `${method} failed: ${error instanceof Error ? error.message : String(error)}`,
  );
}

export class CallRelay {
  /** Calls in flight on this upstream session, oldest first. */
  readonly #active: ForwardContext[] = [];
  /** The latest call of a per-session connection: the way to that client between calls (logs, roots/list). */
  #last: ForwardContext | undefined;

  constructor(private readonly opts: CallRelayOptions) {}

  /** Registers a running call; the returned function ends it. */
  begin(ctx: ForwardContext): () => void {
    this.#active.push(ctx);
    this.adopt(ctx);
    return () => {
      const i = this.#active.indexOf(ctx);
      if (i >= 0) this.#active.splice(i, 1);
    };
  }

  /** Makes `ctx` the session's way back to its client (also before the handshake, which may ask for roots). */
  adopt(ctx: ForwardContext): void {
    if (!this.opts.shared) this.#last = ctx;
  }

  get activeCount(): number {
    return this.#active.length;
  }

  /** Newest running call first: on a per-session connection every call belongs to the same client anyway. */
  #target(): ForwardContext | undefined {
    if (this.opts.shared) return this.#active.length === 1 ? this.#active[0] : undefined;
    return this.#active.at(-1) ?? this.#last;
  }

  onNotification = async (notification: Notification): Promise<void> => {
    const kind = LIST_CHANGED.get(notification.method);
    if (kind !== undefined) return this.opts.onListChanged(kind);
    const params = isRecord(notification.params) ? notification.params : undefined;
    if (notification.method === 'notifications/resources/updated') {
      if (typeof params?.uri === 'string') this.opts.onResourceUpdated(params.uri);
      return;
    }
    // Progress for our own requests is handled per request (onprogress); a stray token belongs to nobody.
    if (notification.method === 'notifications/progress') return;
    // Logs and anything newer the client may understand (elicitation/complete, …) go through unchanged.
    await this.#target()?.sendNotification({
      method: notification.method,
      ...(params === undefined ? {} : { params }),
    });
  };

  onRequest = async (request: JSONRPCRequest, ctx: ClientContext): Promise<Result> => {
    if (!RELAYED.has(request.method))
      throw new ProtocolError(ProtocolErrorCode.MethodNotFound, `Method not found: ${request.method}`);
    const target = this.#target();
    if (target === undefined)
      throw new ProtocolError(
        ProtocolErrorCode.InternalError,
        `${request.method} cannot be relayed: no client call is in progress on this connection`,
      );
    try {
      const result = await target.sendRequest(
        {
          method: request.method as RelayedRequestMethod,
          ...(isRecord(request.params) ? { params: request.params } : {}),
        },
        { signal: ctx.mcpReq.signal },
      );
      if (!isRecord(result))
        throw new ProtocolError(
          ProtocolErrorCode.InternalError,
          `the client answered ${request.method} without an object`,
        );
      return result;
    } catch (error) {
      if (ProtocolError.isInstance(error)) throw error;
      throw toUpstreamError(error, request.method);
    }
  };
}
