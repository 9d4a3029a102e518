// The MCP protocol revisions the gateway serves, and version negotiation per the spec (no I/O).

/** Session revisions (initialize handshake, Mcp-Session-Id), newest first: the order negotiation prefers. */
export const SESSION_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26'] as const;

/** Stateless revisions (per-request `_meta` envelope, no handshake, no session). */
export const STATELESS_VERSIONS = ['2026-07-28'] as const;

export const SUPPORTED_VERSIONS: readonly string[] = [...STATELESS_VERSIONS, ...SESSION_VERSIONS];

/** The revision a session without an MCP-Protocol-Version header is assumed to speak (spec, 2025-06-18). */
export const DEFAULT_SESSION_VERSION = '2025-03-26';

export function isSessionVersion(version: string): boolean {
  return (SESSION_VERSIONS as readonly string[]).includes(version);
}

/**
 * Whether SSE streams open with a priming event (an id and empty data, SEP-1699). Only for 2025-11-25 and
 * later session revisions: clients of earlier ones may try to parse the empty data as a JSON-RPC message
 * (the SDK's own server withholds priming below 2025-11-25 for the same reason).
 */
export function primesSseStreams(version: string | null | undefined): boolean {
  return version !== null && version !== undefined && isSessionVersion(version) && version >= '2025-11-25';
}

export function isStatelessVersion(version: string): boolean {
  return (STATELESS_VERSIONS as readonly string[]).includes(version);
}

/**
 * `initialize`: the requested revision when we support it, else our newest one; the client then decides
 * whether it can speak that (spec: "the server MUST respond with another protocol version it supports").
 */
export function negotiateSessionVersion(requested: unknown): string {
  return typeof requested === 'string' && isSessionVersion(requested) ? requested : SESSION_VERSIONS[0];
}
