// ForwardGateway: a gateway as the forwarder checks it before each call (its UpstreamSpec plus enabled/reachable).
import type { UpstreamSpec } from '../upstream-spec.js';

export interface ForwardGateway {
  spec: UpstreamSpec;
  enabled: boolean;
  /** False once health checks marked it down: calls fail fast instead of waiting for a timeout. */
  reachable: boolean;
}
