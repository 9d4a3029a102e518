// toUpstreamSpec: a gateway row (credentials already decrypted) as the UpstreamSpec the forwarder connects with.
import type { GatewayAuth } from '../../registry/common/upstream-auth.js';
import type { GatewayRow } from '../../store/schema.js';
import type { UpstreamSpec, UpstreamTransport } from '../upstream-spec.js';

const TRANSPORTS = new Set<string>(['STREAMABLEHTTP', 'SSE', 'STDIO']);

/** What the forwarder needs to know of a gateway before each call. */
export interface ForwardGateway {
  spec: UpstreamSpec;
  enabled: boolean;
  /** False once health checks marked it down: calls fail fast instead of waiting for a timeout. */
  reachable: boolean;
}

function commandOf(row: GatewayRow): string[] | undefined {
  if (row.command === null) return undefined;
  const parsed: unknown = JSON.parse(row.command);
  return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : undefined;
}

export function toUpstreamSpec(
  row: GatewayRow,
  auth: GatewayAuth | null,
  defaultTimeoutMs: number,
): ForwardGateway {
  const transport = row.transport.toUpperCase().replace(/[^A-Z]/g, '');
  const command = commandOf(row);
  return {
    spec: {
      gatewayId: row.id,
      name: row.name,
      transport: (TRANSPORTS.has(transport) ? transport : 'STREAMABLEHTTP') as UpstreamTransport,
      url: row.url,
      ...(command === undefined ? {} : { command }),
      auth,
      timeoutMs: row.timeout_ms ?? defaultTimeoutMs,
      passthroughAuth: row.passthrough_auth === 1,
    },
    enabled: row.enabled === 1,
    reachable: row.reachable === 1,
  };
}
