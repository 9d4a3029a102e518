// The shape every method handler has, and the helpers handlers share (param validation, call context).
import {
  specTypeSchemas,
  type Implementation,
  type LoggingLevel,
  type SpecTypeName,
  type SpecTypes,
} from '@modelcontextprotocol/server';
import type { CallContext, McpCatalog } from '../catalog.js';
import type { McpPeer, PeerMode } from '../peer.js';
import { INVALID_PARAMS, JsonRpcError, type RequestId } from '../protocol/json-rpc.js';

export interface DispatcherOptions {
  catalog: McpCatalog;
  /** The gateway's own name and version, sent as serverInfo. */
  serverInfo: Implementation;
  /** Items per page of tools/list, resources/list, … (default 100). */
  pageSize?: number;
  /** Longest a server-to-client request (sampling, elicitation) may wait for the client, in ms. */
  clientRequestTimeoutMs?: number;
}

export interface HandlerContext {
  readonly peer: McpPeer;
  readonly requestId: RequestId;
  readonly signal: AbortSignal;
  readonly options: Required<DispatcherOptions>;
  /** The request's `params._meta`, if any. */
  readonly meta: Record<string, unknown> | undefined;
}

export type Handler = (
  ctx: HandlerContext,
  params: Record<string, unknown>,
) => Promise<Record<string, unknown>>;

export interface MethodSpec {
  /** The peers that may call the method: e.g. initialize makes no sense on a stateless request. */
  modes: readonly PeerMode[];
  handler: Handler;
}

export const ALL_MODES: readonly PeerMode[] = ['session', 'stateless', 'rpc'];

/** Validates params against the SDK's schema for the spec type; -32602 with the first problem otherwise. */
export function parseParams<K extends SpecTypeName>(name: K, params: unknown): SpecTypes[K] {
  const result = specTypeSchemas[name]['~standard'].validate(params);
  if (result.issues === undefined) return result.value;
  const issue = result.issues[0];
  const path = issue?.path?.map((p) => (typeof p === 'object' ? String(p.key) : String(p))).join('.') ?? '';
  throw new JsonRpcError(
    INVALID_PARAMS,
    `Invalid params: ${path === '' ? '' : `${path}: `}${issue?.message ?? 'invalid'}`,
  );
}

const LEVELS: readonly LoggingLevel[] = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
];

/** True when a log message at `level` passes the client's chosen minimum (everything passes without one). */
export function passesLogLevel(level: unknown, minimum: LoggingLevel | null | undefined): boolean {
  if (minimum === null || minimum === undefined) return true;
  return LEVELS.indexOf(level as LoggingLevel) >= LEVELS.indexOf(minimum);
}

/** What a catalog call sees of the request: cancellation, identity, and the way back to the client. */
export async function callContext(ctx: HandlerContext): Promise<CallContext> {
  const state = await ctx.peer.state();
  const token = ctx.meta?.progressToken;
  const progressToken = typeof token === 'string' || typeof token === 'number' ? token : undefined;
  return {
    signal: ctx.signal,
    principal: ctx.peer.principal,
    ...(ctx.peer.sessionId === undefined
      ? {}
      : { sessionId: ctx.peer.sessionId, sessionClosed: ctx.peer.closed }),
    ...(ctx.peer.principal.upstreamAuthorization === undefined
      ? {}
      : { upstreamAuthorization: ctx.peer.principal.upstreamAuthorization }),
    ...(progressToken === undefined ? {} : { progressToken }),
    ...(ctx.meta === undefined ? {} : { meta: ctx.meta }),
    clientCapabilities: state.clientCapabilities,
    ...(state.logLevel === null ? {} : { logLevel: state.logLevel }),
    sendNotification: (notification) => {
      if (
        notification.method === 'notifications/message' &&
        !passesLogLevel(notification.params?.level, state.logLevel)
      )
        return Promise.resolve();
      // Sent related to the request, so Streamable HTTP puts it on the request's stream before the result.
      ctx.peer.send({ jsonrpc: '2.0', ...notification }, ctx.requestId);
      return Promise.resolve();
    },
    sendRequest: (request, opts) =>
      ctx.peer.request(request.method, request.params, {
        related: ctx.requestId,
        // An upstream may cancel its own sampling/elicitation request: that ends the client's request too.
        signal: opts?.signal === undefined ? ctx.signal : AbortSignal.any([ctx.signal, opts.signal]),
        timeoutMs: opts?.timeoutMs ?? ctx.options.clientRequestTimeoutMs,
      }),
  };
}
