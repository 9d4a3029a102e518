// The UpstreamSpec of a stored gateway row (credentials decrypted): what discovery, health and forwarding connect with.
import type { ForwardGateway } from '../../federation/forward/gateway-spec.js';
import type { UpstreamSpec, UpstreamTransport } from '../../federation/upstream-spec.js';
import type { GatewayAuth } from '../../runtime/credentials.js';
import type { GatewayRow } from '../../store/schema.js';

const TRANSPORTS = new Set<string>(['STREAMABLEHTTP', 'SSE', 'STDIO']);

export function commandOf(text: string | null): string[] | undefined {
  if (text === null) return undefined;
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : undefined;
}

/** `defaultTimeoutMs` is TOOL_TIMEOUT in milliseconds, used when the gateway sets no timeout of its own. */
export function upstreamSpecOf(
  row: GatewayRow,
  auth: GatewayAuth | null,
  defaultTimeoutMs: number,
): UpstreamSpec {
  const command = commandOf(row.command);
  return {
    gatewayId: row.id,
    name: row.name,
    transport: (TRANSPORTS.has(row.transport) ? row.transport : 'STREAMABLEHTTP') as UpstreamTransport,
    url: row.url,
    ...(command === undefined ? {} : { command }),
    auth,
    timeoutMs: row.timeout_ms ?? defaultTimeoutMs,
    passthroughAuth: row.passthrough_auth === 1,
  };
}

/** The gateway as the forwarder checks it before each call. */
export function forwardGatewayOf(
  row: GatewayRow,
  auth: GatewayAuth | null,
  defaultTimeoutMs: number,
): ForwardGateway {
  return {
    spec: upstreamSpecOf(row, auth, defaultTimeoutMs),
    enabled: row.enabled === 1,
    reachable: row.reachable === 1,
  };
}
