// startHealthChecks: the HealthChecker wired to config and the shared federation services, started; main.ts stops it on close.
import type { Config } from '../../config/load.js';
import type { GatewayAuth } from '../../registry/common/upstream-auth.js';
import type { HttpClient } from '../../runtime/http-client.js';
import type { Store } from '../../store/db.js';
import type { GatewayRow } from '../../store/schema.js';
import { connectUpstream } from '../connect.js';
import type { GatewayFederation } from '../discovery/gateway-federation.js';
import type { OAuthTokenCache } from '../oauth.js';
import type { StdioProcesses } from '../stdio-process.js';
import { HealthChecker } from './health-checker.js';

export interface HealthCheckDeps {
  config: Pick<Config, 'healthCheckInterval' | 'unhealthyThreshold' | 'toolTimeout'>;
  store: Store;
  gateways: { enabledRecords(): Promise<Array<{ row: GatewayRow; auth: GatewayAuth | null }>> };
  http: HttpClient;
  stdio: StdioProcesses;
  oauth: OAuthTokenCache;
  federation: GatewayFederation;
  /** This process's id in the `leases` table. */
  instanceId: string;
  log: { info(message: string): void; warn(message: string): void };
  /** Told when a gateway's reachable flag flips, so cached gateway records are read again. */
  events: { touched(): void };
  /** Overrides HEALTH_CHECK_INTERVAL (seconds) with milliseconds, for tests. */
  intervalMs?: number;
}

export function startHealthChecks(deps: HealthCheckDeps): HealthChecker {
  const checker = new HealthChecker({
    store: deps.store,
    gateways: deps.gateways,
    connect: (spec) => connectUpstream(spec, { http: deps.http, stdio: deps.stdio, oauth: deps.oauth }),
    instanceId: deps.instanceId,
    intervalMs: deps.intervalMs ?? deps.config.healthCheckInterval * 1000,
    unhealthyThreshold: deps.config.unhealthyThreshold,
    defaultTimeoutMs: deps.config.toolTimeout * 1000,
    onChange: (gatewayId, reachable, reason) => {
      deps.events.touched();
      if (reachable) deps.log.info(`gateway ${gatewayId} is reachable again (${reason})`);
      else deps.log.warn(`gateway ${gatewayId} is unreachable: ${reason}`);
    },
    log: (message) => deps.log.warn(message),
  });
  // A deleted, disabled or re-targeted gateway's pooled health connection goes with it.
  deps.federation.onRelease((gatewayId) => checker.forget(gatewayId));
  checker.start();
  return checker;
}
