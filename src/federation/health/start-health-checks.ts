// startHealthChecks: the HealthChecker wired to config and the shared federation services, started; main.ts stops it on close.
import type { Config } from '../../config/load.js';
import type { HttpClient } from '../../runtime/http-client.js';
import { connectUpstream } from '../connect.js';
import type { GatewayFederation } from '../discovery/gateway-federation.js';
import type { ClientCredentialsTokens } from '../client-credentials.js';
import type { StdioProcesses } from '../stdio/stdio-process.js';
import { HealthChecker, type HealthTargets, type LeaderLease } from './health-checker.js';

export interface HealthCheckDeps {
  config: Pick<Config, 'healthCheckInterval' | 'unhealthyThreshold'>;
  gateways: HealthTargets;
  /** The 'health-checks' lease of this instance: with several instances on one database, one checks. */
  lease: LeaderLease;
  http: HttpClient;
  stdio: StdioProcesses;
  oauth: ClientCredentialsTokens;
  federation: GatewayFederation;
  log: { info(message: string): void; warn(message: string): void };
  /** Overrides HEALTH_CHECK_INTERVAL (seconds) with milliseconds, for tests. */
  intervalMs?: number;
}

export function startHealthChecks(deps: HealthCheckDeps): HealthChecker {
  const checker = new HealthChecker({
    gateways: deps.gateways,
    lease: deps.lease,
    connect: (spec) => connectUpstream(spec, { http: deps.http, stdio: deps.stdio, oauth: deps.oauth }),
    intervalMs: deps.intervalMs ?? deps.config.healthCheckInterval * 1000,
    unhealthyThreshold: deps.config.unhealthyThreshold,
    onChange: (gatewayId, reachable, reason) => {
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
