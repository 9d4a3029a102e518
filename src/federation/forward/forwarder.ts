// Forwarder: sends tools/call, resources/read, prompts/get and completion/complete of federated entities to their upstream.
import type {
  CallToolResult,
  CompleteRequestParams,
  CompleteResult,
  GetPromptResult,
  LoggingLevel,
  ReadResourceResult,
} from '@modelcontextprotocol/client';
import { AppError } from '../../errors/app-error.js';
import type { ListKind } from './call-relay.js';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js';
import type { ForwardContext } from './forward-context.js';
import type { ForwardGateway } from './gateway-spec.js';
import { ListChangedDebouncer } from './list-changed-debouncer.js';
import { UpstreamPool, type OpenUpstream } from './session-pool.js';
import type { UpstreamSession } from './upstream-session.js';
import { classifyFailure, countsAgainstUpstream, toClientError } from './upstream-errors.js';

export interface ForwarderOptions {
  /** The gateway as it is now (looked up per call, so a disabled or unreachable one fails at once); undefined once deleted. */
  gateway(gatewayId: string): Promise<ForwardGateway | undefined>;
  open: OpenUpstream;
  limits: {
    maxSessionsPerGateway: number;
    maxStdioSessionsPerGateway: number;
    idleMs: number;
    connectTimeoutMs: number;
  };
  breaker: { threshold: number; cooldownMs: number };
  /** An upstream announced list changes (debounced per gateway): re-sync its entities and tell clients. */
  onListChanged(gatewayId: string, kinds: ListKind[]): void;
  /** An upstream announced that a resource changed: notify the subscribers. */
  onResourceUpdated(gatewayId: string, uri: string): void;
  /** Milliseconds list_changed bursts are gathered for (default 500). */
  listChangedDelayMs?: number;
  now?: () => number;
}

export interface ForwarderStats {
  /** Open upstream sessions (per downstream session, plus the shared one). */
  sessions: number;
  circuit: CircuitState;
}

export type CompletionRef = CompleteRequestParams['ref'];

/** A context for calls made without one (an older dispatcher): the shared connection, never cancelled. */
const DETACHED: ForwardContext = {
  signal: new AbortController().signal,
  clientCapabilities: {},
  sendNotification: () => Promise.resolve(),
  sendRequest: () => Promise.reject(new AppError({ code: 'Unavailable', message: 'no client to ask' })),
};

export class Forwarder {
  readonly #opts: ForwarderOptions;
  readonly #pool: UpstreamPool;
  readonly #breakers = new Map<string, CircuitBreaker>();
  readonly #listChanged: ListChangedDebouncer;

  constructor(opts: ForwarderOptions) {
    this.#opts = opts;
    this.#listChanged = new ListChangedDebouncer(opts.listChangedDelayMs ?? 500, (gatewayId, kinds) =>
      opts.onListChanged(gatewayId, kinds),
    );
    this.#pool = new UpstreamPool({
      open: opts.open,
      ...opts.limits,
      events: {
        onListChanged: (gatewayId, kind) => this.#listChanged.push(gatewayId, kind),
        onResourceUpdated: (gatewayId, uri) => opts.onResourceUpdated(gatewayId, uri),
      },
      ...(opts.now === undefined ? {} : { now: opts.now }),
    });
  }

  /** `name` is the tool's upstream (original) name; `timeoutMs` the tool's own timeout, if it has one. */
  async callTool(
    gatewayId: string,
    name: string,
    args: Record<string, unknown>,
    ctx: ForwardContext,
    timeoutMs?: number,
  ): Promise<CallToolResult> {
    const result = await this.#forward(gatewayId, 'tools/call', { name, arguments: args }, ctx, timeoutMs);
    return result as CallToolResult;
  }

  async readResource(gatewayId: string, uri: string, ctx: ForwardContext): Promise<ReadResourceResult> {
    return (await this.#forward(gatewayId, 'resources/read', { uri }, ctx)) as ReadResourceResult;
  }

  async getPrompt(
    gatewayId: string,
    name: string,
    args: Record<string, string>,
    ctx: ForwardContext,
  ): Promise<GetPromptResult> {
    return (await this.#forward(gatewayId, 'prompts/get', { name, arguments: args }, ctx)) as GetPromptResult;
  }

  /** `ref` names the upstream prompt (original name) or resource template. */
  async complete(
    gatewayId: string,
    ref: CompletionRef,
    argument: { name: string; value: string },
    context: { arguments?: Record<string, string> },
    ctx: ForwardContext = DETACHED,
  ): Promise<CompleteResult['completion']> {
    const params = { ref, argument, ...(context.arguments === undefined ? {} : { context }) };
    const result = (await this.#forward(
      gatewayId,
      'completion/complete',
      params,
      ctx,
    )) as Partial<CompleteResult>;
    return result.completion ?? { values: [] };
  }

  /**
   * Subscribes (or unsubscribes) the caller's upstream session to a resource, so the upstream sends
   * `notifications/resources/updated` for it; an upstream session with subscriptions is not reaped as idle.
   */
  async watchResource(
    gatewayId: string,
    uri: string,
    subscribed: boolean,
    ctx: ForwardContext,
  ): Promise<void> {
    const method = subscribed ? 'resources/subscribe' : 'resources/unsubscribe';
    await this.#forward(gatewayId, method, { uri }, ctx, undefined, (session) =>
      session.watch(uri, subscribed),
    );
  }

  /** Passes a client's logging/setLevel on to the upstream sessions its session has open now (later ones get it on their first call). */
  clientLogLevelChanged(sessionId: string, level: LoggingLevel): void {
    for (const session of this.#pool.sessionsOf(sessionId)) session.setLogLevel(level);
  }

  /** Tells every upstream session of a downstream session that its client's roots changed. */
  clientRootsChanged(sessionId: string): void {
    for (const session of this.#pool.sessionsOf(sessionId)) session.rootsChanged();
  }

  stats(gatewayId: string): ForwarderStats {
    return {
      sessions: this.#pool.sizeOf(gatewayId),
      circuit: this.#breakers.get(gatewayId)?.state ?? 'closed',
    };
  }

  /** Closes upstream sessions unused for longer than the idle timeout (a timer does this too). */
  closeIdle(): Promise<void> {
    return this.#pool.reapIdle();
  }

  /** Closes a gateway's upstream sessions and forgets its failures (after an edit, a disable or a delete). */
  async closeGateway(gatewayId: string): Promise<void> {
    this.#breakers.delete(gatewayId);
    await this.#pool.closeGateway(gatewayId);
  }

  async close(): Promise<void> {
    this.#listChanged.close();
    await this.#pool.close();
  }

  async #forward(
    gatewayId: string,
    method: string,
    params: Record<string, unknown>,
    ctx: ForwardContext,
    timeoutOverrideMs?: number,
    onAnswered?: (session: UpstreamSession) => void,
  ): Promise<Record<string, unknown>> {
    const { spec } = await this.#usable(gatewayId);
    const timeoutMs = timeoutOverrideMs ?? spec.timeoutMs;
    const breaker = this.#breakerOf(gatewayId);
    breaker.admit(spec.name);
    for (let attempt = 1; ; attempt += 1) {
      let session: UpstreamSession | undefined;
      try {
        session = await this.#pool.acquire(spec, ctx);
        const result = await session.request(method, params, ctx, timeoutMs);
        breaker.success();
        onAnswered?.(session);
        return result;
      } catch (error) {
        const kind = classifyFailure(error, ctx.signal.aborted);
        if (session !== undefined && (kind === 'session-expired' || kind === 'connection'))
          this.#pool.discard(session);
        // The spec: a 404 for our session id means it expired upstream; initialize a new one, once.
        if (kind === 'session-expired' && attempt === 1) continue;
        if (kind === 'protocol') breaker.success();
        else if (countsAgainstUpstream(kind)) breaker.failure();
        else breaker.release();
        throw toClientError(error, kind, { gateway: spec.name, method, timeoutMs });
      }
    }
  }

  async #usable(gatewayId: string): Promise<ForwardGateway> {
    const gateway = await this.#opts.gateway(gatewayId);
    if (gateway === undefined)
      throw new AppError({ code: 'Unavailable', message: `gateway ${gatewayId} no longer exists` });
    if (!gateway.enabled)
      throw new AppError({ code: 'Unavailable', message: `gateway ${gateway.spec.name} is disabled` });
    if (!gateway.reachable)
      throw new AppError({
        code: 'Unavailable',
        message: `gateway ${gateway.spec.name} is unreachable (its health check failed); its tools are unavailable until it recovers`,
      });
    return gateway;
  }

  #breakerOf(gatewayId: string): CircuitBreaker {
    let breaker = this.#breakers.get(gatewayId);
    if (breaker === undefined) {
      breaker = new CircuitBreaker({
        ...this.#opts.breaker,
        ...(this.#opts.now ? { now: this.#opts.now } : {}),
      });
      this.#breakers.set(gatewayId, breaker);
    }
    return breaker;
  }
}
