// createForwarder: the Forwarder wired to config, the gateway records, connectUpstream and the registry's change events.
import type { Config } from '../../config/load.js';
import type { HttpClient } from '../../runtime/http-client.js';
import { connectUpstream } from '../connect.js';
import type { ClientCredentialsTokens } from '../client-credentials.js';
import type { StdioProcesses } from '../stdio/stdio-process.js';
import type { ListKind } from './call-relay.js';
import { Forwarder } from './forwarder.js';
import type { ForwardGateway } from './gateway-spec.js';
import { withRequestFetch } from './request-fetch.js';

export type ForwardedEvent =
  { type: 'list_changed'; kind: ListKind } | { type: 'resource_updated'; uri: string };

export interface ForwarderDeps {
  config: Config;
  /** The gateway with its credentials decrypted (registry.gateways.forwardTarget, cached there). */
  gateways: { forwardTarget(id: string): Promise<ForwardGateway | undefined> };
  http: HttpClient;
  stdio: StdioProcesses;
  oauth: ClientCredentialsTokens;
  /** Where changes announced by upstreams go (the registry's events, which MCP sessions are notified from). */
  events: { emit(event: ForwardedEvent): void };
  /**
   * Re-discovers a gateway's tools, resources and prompts, announcing what changed itself. Without it an
   * upstream list_changed is passed on to clients as is.
   */
  refresh?: (gatewayId: string) => Promise<unknown>;
  onError?: (error: unknown, what: string) => void;
}

export function createForwarder(deps: ForwarderDeps): Forwarder {
  const { config } = deps;
  const http = withRequestFetch(deps.http);
  return new Forwarder({
    gateway: (id) => deps.gateways.forwardTarget(id),
    open: (spec, opts) => connectUpstream(spec, { ...opts, http, stdio: deps.stdio, oauth: deps.oauth }),
    limits: {
      maxSessionsPerGateway: config.federationMaxSessionsPerGateway,
      maxStdioSessionsPerGateway: config.federationMaxStdioSessionsPerGateway,
      idleMs: config.federationSessionIdleTimeout * 1000,
      connectTimeoutMs: config.federationConnectTimeout * 1000,
    },
    breaker: { threshold: config.circuitBreakerThreshold, cooldownMs: config.circuitBreakerCooldown * 1000 },
    onListChanged: (gatewayId, kinds) => {
      const refresh = deps.refresh;
      if (refresh === undefined) {
        for (const kind of kinds) deps.events.emit({ type: 'list_changed', kind });
        return;
      }
      refresh(gatewayId).catch((error: unknown) => {
        deps.onError?.(error, `re-sync of gateway ${gatewayId} after list_changed`);
        for (const kind of kinds) deps.events.emit({ type: 'list_changed', kind });
      });
    },
    onResourceUpdated: (_gatewayId, uri) => deps.events.emit({ type: 'resource_updated', uri }),
  });
}
