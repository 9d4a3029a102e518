// upstreamSpecOf: the UpstreamSpec of a stored gateway row (with its decrypted credentials), for discovery, health and forwarding.
import type { GatewayAuth } from '../registry/common/upstream-auth.js';
import type { GatewayRow } from '../store/schema.js';
import type { UpstreamSpec, UpstreamTransport } from './upstream-spec.js';

const TRANSPORTS = new Set<string>(['STREAMABLEHTTP', 'SSE', 'STDIO']);

function commandOf(text: string | null): string[] | undefined {
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
