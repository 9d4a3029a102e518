// ForwardContext: what the forwarder needs of the call it serves (the MCP layer's CallContext has this shape).
import type { ClientCapabilities, LoggingLevel, ProgressToken } from '@modelcontextprotocol/client';

export type RelayedRequestMethod = 'sampling/createMessage' | 'elicitation/create' | 'roots/list';

/**
 * Declared here rather than imported from src/mcp so federation stays below the MCP layer; the
 * dispatcher's CallContext satisfies it structurally.
 */
export interface ForwardContext {
  /** Aborted when the client cancels the call or its session ends. */
  readonly signal: AbortSignal;
  /** The downstream session: its own upstream session; undefined for stateless callers (shared connection). */
  readonly sessionId?: string;
  /** Aborted when the downstream session ends: its upstream sessions are closed then. */
  readonly sessionClosed?: AbortSignal;
  readonly progressToken?: ProgressToken;
  /** The request's `_meta`: passed on upstream (with our own progress token in place of the client's). */
  readonly meta?: Readonly<Record<string, unknown>>;
  readonly clientCapabilities: ClientCapabilities;
  /** The level the client set with logging/setLevel: upstream sessions that log are told it before a call. */
  readonly logLevel?: LoggingLevel;
  /** X-Upstream-Authorization, sent as Authorization to passthrough_auth gateways only. */
  readonly upstreamAuthorization?: string;
  sendNotification(notification: { method: string; params?: Record<string, unknown> }): Promise<void>;
  sendRequest(
    request: { method: RelayedRequestMethod; params?: Record<string, unknown> },
    opts?: { timeoutMs?: number; signal?: AbortSignal },
  ): Promise<unknown>;
}
