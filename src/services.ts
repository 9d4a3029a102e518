// createServices: builds every long-lived service once from config and an open store, and closes them in reverse (main.ts and the test app share it).
import { createSecretBox, type SecretBox } from './auth/secret-box.js';
import { createEventBus } from './cache/create-event-bus.js';
import { createSessionStore } from './cache/create-session-store.js';
import type { EventBus } from './cache/event-bus.js';
import type { SessionStore } from './cache/session-store.js';
import type { Config } from './config/load.js';
import {
  createGatewayFederation,
  type GatewayFederation,
} from './federation/discovery/gateway-federation.js';
import { createForwarder } from './federation/forward/create-forwarder.js';
import type { Forwarder } from './federation/forward/forwarder.js';
import { ClientCredentialsTokens } from './federation/client-credentials.js';
import { StdioProcesses } from './federation/stdio/stdio-process.js';
import type { McpCatalog } from './mcp/catalog.js';
import { createRegistryCatalog } from './mcp/registry-catalog.js';
import { createTemplateRenderer, type TemplateRenderer } from './registry/prompts/template/renderer.js';
import { createRegistry, type Registry } from './registry/registry.js';
import { createArgumentValidator } from './runtime/argument-validator.js';
import { createHttpClient, type HttpClient } from './runtime/http-client.js';
import { createRestInvoker } from './runtime/invoke-rest.js';
import { createMetricsRecorder, type MetricsRecorder } from './runtime/metrics-recorder.js';
import { createPrometheusMetrics, type PrometheusMetrics } from './runtime/prometheus.js';
import type { Store } from './store/db.js';
import { TransferService } from './transfer/service.js';
import { APP_VERSION } from './version.js';

export interface Services {
  secrets: SecretBox;
  renderer: TemplateRenderer;
  metrics: MetricsRecorder;
  prometheus: PrometheusMetrics;
  registry: Registry;
  http: HttpClient;
  catalog: McpCatalog;
  sessions: SessionStore;
  /** Registry changes and session messages between this instance's parts (and, with scale-out, instances). */
  bus: EventBus;
  /** Live stdio upstream children (bounded; reaped at close). */
  stdio: StdioProcesses;
  oauth: ClientCredentialsTokens;
  /** Discovery and the release hooks run when a gateway is deleted, disabled or re-targeted. */
  federation: GatewayFederation;
  /** Calls of federated entities go upstream through it (pooled upstream sessions, breakers). */
  forwarder: Forwarder;
  /** Export and import of the registry (ContextForge's file format). */
  transfer: TransferService;
  /** Things the operator should know about this configuration (logged at start). */
  notices: string[];
  close(): Promise<void>;
}

export interface ServicesOptions {
  /** Called when buffered metrics could not be written. */
  onMetricsError?: (error: unknown, dropped: number) => void;
  /** A bus message that could not be published or a handler that failed. */
  onBusError?: (error: unknown) => void;
  /** Tests share one MemoryBroker between instances; otherwise CACHE_TYPE picks the bus (createEventBus). */
  bus?: EventBus;
}

function sessionStoreFor(config: Config, store: Store, notices: string[]): SessionStore {
  if (config.cacheType === 'none') {
    notices.push(
      "CACHE_TYPE=none: MCP sessions are kept in this process's memory and are not shared between instances",
    );
  }
  return createSessionStore({ config, store });
}

export function createServices(config: Config, store: Store, opts: ServicesOptions = {}): Services {
  const notices: string[] = [];
  const secrets = createSecretBox(config.authEncryptionSecret ?? '');
  const renderer = createTemplateRenderer({
    timeoutMs: config.promptRenderTimeoutMs,
    maxOutputBytes: config.promptMaxOutputBytes,
  });
  const prometheus = createPrometheusMetrics({ version: APP_VERSION });
  const metrics = createMetricsRecorder({
    store,
    observe: (sample) => prometheus.observeCall(sample),
    ...(opts.onMetricsError ? { onError: opts.onMetricsError } : {}),
  });
  const http = createHttpClient({ config });
  const stdio = new StdioProcesses();
  const oauth = new ClientCredentialsTokens({ http });
  const federation = createGatewayFederation({ config, http, stdio, oauth });
  const bus =
    opts.bus ?? createEventBus({ config, store, ...(opts.onBusError ? { onError: opts.onBusError } : {}) });
  const registry = createRegistry({
    store,
    bus,
    ...(opts.onBusError ? { onEventError: opts.onBusError } : {}),
    secrets,
    renderer,
    metrics,
    federation,
    defaultTimeoutMs: config.toolTimeout * 1000,
    cacheTtlMs: config.registryCacheTtl * 1000,
    checkUrl: (url) => void http.guard.checkUrl(url),
  });
  const validator = createArgumentValidator();
  const invoker = createRestInvoker({ http, validator });
  const forwarder = createForwarder({
    config,
    gateways: registry.gateways,
    http,
    stdio,
    oauth,
    events: registry.events,
    refresh: (gatewayId) => registry.gateways.refresh(gatewayId),
  });
  // Deleting, disabling or re-targeting a gateway closes the upstream sessions opened for it.
  federation.onRelease((gatewayId) => forwarder.closeGateway(gatewayId));
  const catalog = createRegistryCatalog({
    registry,
    invoker,
    metrics,
    forwarder,
    validator,
  });
  const sessions = sessionStoreFor(config, store, notices);
  // An imported gateway is discovered after the import commits: sessions opened for its old target go first.
  const transfer = new TransferService({
    store,
    secrets,
    events: registry.events,
    sourceGateway: `http://${config.host}:${config.port}`,
    discover: async (gatewayId) => {
      await federation.release(gatewayId);
      return registry.gateways.refresh(gatewayId);
    },
  });
  return {
    secrets,
    renderer,
    metrics,
    prometheus,
    registry,
    http,
    catalog,
    sessions,
    bus,
    stdio,
    oauth,
    federation,
    forwarder,
    transfer,
    notices,
    async close() {
      await forwarder.close();
      await stdio.reapAll();
      await sessions.close();
      registry.events.close();
      await bus.close();
      await metrics.close();
      await renderer.close();
      await http.close();
    },
  };
}
