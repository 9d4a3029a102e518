// ForwardGateway: a gateway as the forwarder checks it before each call (its UpstreamSpec plus enabled/reachable).
import type { GatewayAuth } from '../../registry/common/upstream-auth.js';
import type { GatewayRow } from '../../store/schema.js';
import { upstreamSpecOf } from '../spec-from-row.js';
import type { UpstreamSpec } from '../upstream-spec.js';

export interface ForwardGateway {
  spec: UpstreamSpec;
  enabled: boolean;
  /** False once health checks marked it down: calls fail fast instead of waiting for a timeout. */
  reachable: boolean;
}

export function toForwardGateway(
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
