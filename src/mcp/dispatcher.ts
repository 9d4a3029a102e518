// The one JSON-RPC dispatcher: every transport hands it decoded messages and a peer; it owns the method table.
import { Drain, shuttingDown } from './drain.js';
import { completionMethods } from './handlers/completion.js';
import { lifecycleMethods } from './handlers/lifecycle.js';
import { promptMethods } from './handlers/prompts.js';
import { resourceMethods } from './handlers/resources.js';
import { toolMethods } from './handlers/tools.js';
import type { DispatcherOptions, HandlerContext, MethodSpec } from './handlers/context.js';
import type { McpPeer } from './peer.js';
import {
  classifyMessage,
  errorResponse,
  INVALID_PARAMS,
  INVALID_REQUEST,
  isRecord,
  isRequestId,
  METHOD_NOT_FOUND,
  RESOURCE_NOT_FOUND,
  resultResponse,
  toWireError,
  type JSONRPCNotification,
  type JSONRPCRequest,
  type JSONRPCResponse,
} from './protocol/json-rpc.js';
import { encodeStatelessResult } from './protocol/stateless-wire.js';

export interface DispatcherLogger {
  error(obj: unknown, msg?: string): void;
  debug(obj: unknown, msg?: string): void;
}

export class Dispatcher {
  /** The requests being handled; shutdown waits on it before closing sessions, and it refuses new ones then. */
  readonly drain = new Drain();
  readonly #methods: Map<string, MethodSpec>;
  readonly #options: Required<DispatcherOptions>;

  constructor(
    options: DispatcherOptions,
    private readonly logger: DispatcherLogger,
  ) {
    this.#options = { pageSize: 100, clientRequestTimeoutMs: 300_000, ...options };
    // A Map: method names come from the client, and "constructor" must not find Object.prototype's.
    this.#methods = new Map(
      Object.entries({
        ...lifecycleMethods,
        ...toolMethods,
        ...resourceMethods,
        ...promptMethods,
        ...completionMethods,
      }),
    );
  }

  hasMethod(method: string): boolean {
    return this.#methods.has(method);
  }

  /**
   * Handles one decoded message. Requests resolve with their response (never reject), or undefined once
   * the client cancelled them; notifications and responses resolve with undefined. Messages related to a request (progress, logs) go out through
   * `peer.send` before the request's response is returned, so order is kept end to end.
   */
  async handle(peer: McpPeer, value: unknown): Promise<JSONRPCResponse | undefined> {
    const message = classifyMessage(value);
    switch (message.kind) {
      case 'invalid':
        return errorResponse(message.id, {
          code: INVALID_REQUEST,
          message: `Invalid Request: ${message.reason}`,
        });
      case 'response':
        peer.settle(message.message);
        return undefined;
      case 'notification':
        this.#notification(peer, message.message);
        return undefined;
      case 'request':
        return this.#request(peer, message.message);
    }
  }

  async #request(peer: McpPeer, request: JSONRPCRequest): Promise<JSONRPCResponse | undefined> {
    const spec = this.#methods.get(request.method);
    if (spec === undefined || !spec.modes.includes(peer.mode))
      return errorResponse(request.id, {
        code: METHOD_NOT_FOUND,
        message: `Method not found: ${request.method}`,
      });
    const controller = peer.inflight.begin(request.id);
    // Two in-flight requests with one id would make their responses indistinguishable: refuse the second now.
    if (controller === undefined)
      return errorResponse(request.id, {
        code: INVALID_REQUEST,
        message: `Invalid Request: a request with id ${JSON.stringify(request.id)} is already in flight`,
      });
    // Shutdown began: requests in flight finish, a new one is turned away (a transport that can answer with an
    // HTTP status has already done so; WebSocket and SSE sessions get this error).
    if (!this.drain.enter()) {
      peer.inflight.end(request.id, controller);
      return errorResponse(
        request.id,
        toWireError(shuttingDown(), () => undefined),
      );
    }
    const params = isRecord(request.params) ? request.params : {};
    // The peer aborts its requests in flight when it closes (InflightRequests.abortAll); one arriving after that
    // starts aborted. (Not a listener per request on peer.closed: at thousands of calls a second it showed.)
    if (peer.closed.aborted) controller.abort(peer.closed.reason);
    const ctx: HandlerContext = {
      peer,
      requestId: request.id,
      signal: controller.signal,
      options: this.#options,
      meta: isRecord(params._meta) ? params._meta : undefined,
    };
    try {
      const result = await spec.handler(ctx, params);
      if (controller.signal.aborted) return undefined;
      return resultResponse(
        request.id,
        peer.mode === 'stateless'
          ? encodeStatelessResult(request.method, result, this.#options.serverInfo)
          : result,
      );
    } catch (error) {
      // The spec: a cancelled request gets no response at all (the client has forgotten its id).
      if (controller.signal.aborted) return undefined;
      const wire = toWireError(error, (cause, errorId) =>
        this.logger.error({ err: cause, errorId, method: request.method }, 'MCP request failed'),
      );
      // 2026-07-28 answers a missing resource with Invalid params (-32002 is 2025-only).
      if (peer.mode === 'stateless' && wire.code === RESOURCE_NOT_FOUND) wire.code = INVALID_PARAMS;
      return errorResponse(request.id, wire);
    } finally {
      peer.inflight.end(request.id, controller);
      this.drain.leave();
    }
  }

  #notification(peer: McpPeer, notification: JSONRPCNotification): void {
    const params = isRecord(notification.params) ? notification.params : {};
    switch (notification.method) {
      case 'notifications/cancelled':
        if (isRequestId(params.requestId))
          peer.inflight.cancel(
            params.requestId,
            typeof params.reason === 'string' ? params.reason : 'Cancelled by the client',
          );
        return;
      case 'notifications/roots/list_changed':
        // Upstreams that asked this session's client for roots ask again.
        if (peer.sessionId !== undefined) this.#options.catalog.clientRootsChanged?.(peer.sessionId);
        return;
      case 'notifications/initialized':
      case 'notifications/progress':
        return;
      default:
        this.logger.debug({ method: notification.method }, 'ignored MCP notification');
    }
  }
}
