// UpstreamSpec: everything needed to open a client connection to one federated MCP server (credentials in clear; never persisted in this shape).
import type { GatewayAuth } from '../runtime/credentials.js';

export type UpstreamTransport = 'STREAMABLEHTTP' | 'SSE' | 'STDIO';

export interface UpstreamSpec {
  /** The gateway row id: the key of pools, breakers and health state. */
  gatewayId: string;
  name: string;
  transport: UpstreamTransport;
  /** http(s) URL for STREAMABLEHTTP and SSE. */
  url: string;
  /** argv for STDIO gateways (no shell). */
  command?: readonly string[];
  /** basic, bearer, authheaders or OAuth client credentials (connectUpstream turns it into headers). */
  auth: GatewayAuth | null;
  /** Per-call timeout (the gateway's own, else TOOL_TIMEOUT). */
  timeoutMs: number;
  /** Whether the client's X-Upstream-Authorization may be sent upstream as Authorization. */
  passthroughAuth: boolean;
}
