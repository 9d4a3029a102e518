// Registry: every registry service built once from the store and the secret codec (composition helper for main and tests).
import type { SecretCodec } from '../auth/secret-box.js';
import type { EventBus } from '../cache/event-bus.js';
import type { GatewayFederation } from '../federation/discovery/gateway-federation.js';
import type { MetricsRecorder } from '../runtime/metrics-recorder.js';
import type { Store } from '../store/db.js';
import { RegistryEvents } from './common/events.js';
import { LookupCache } from './common/lookup-cache.js';
import { ToolService } from './tools/service.js';
import { PromptService } from './prompts/service.js';
import type { TemplateRenderer } from './prompts/template/renderer.js';
import { ResourceService } from './resources/service.js';
import { GatewayService } from './gateways/service.js';
import { MetricsService } from './metrics/service.js';
import { RootService } from './roots/service.js';
import { ServerService } from './servers/service.js';
import { TagService } from './tags/service.js';

export interface RegistryOptions {
  store: Store;
  /** Carries registry changes to every instance's MCP sessions and caches. */
  bus: EventBus;
  /** A change that could not be published (the bus is down): logged, the change itself stands. */
  onEventError?: (error: unknown) => void;
  secrets: SecretCodec;
  /** The prompt render pool; whoever created it closes it (main.ts, the test app). */
  renderer: TemplateRenderer;
  /** Buffered metrics writes; whoever created it closes (flushes) it. */
  metrics: MetricsRecorder;
  /** Discovery for gateways; without it gateways are stored as records and never contacted. */
  federation?: GatewayFederation;
  /** TOOL_TIMEOUT in milliseconds (discovery of gateways without a timeout of their own). */
  defaultTimeoutMs?: number;
  /** REGISTRY_CACHE_TTL in milliseconds for the lookups MCP calls make (0 or unset: no cache). */
  cacheTtlMs?: number;
  /** Refuses a REST tool URL whose literal address the SSRF rules always block (the HTTP client's guard). */
  checkUrl?: (url: string) => void;
}

export interface Registry {
  events: RegistryEvents;
  tools: ToolService;
  resources: ResourceService;
  prompts: PromptService;
  servers: ServerService;
  gateways: GatewayService;
  roots: RootService;
  tags: TagService;
  metrics: MetricsService;
}

export function createRegistry(opts: RegistryOptions): Registry {
  const events = new RegistryEvents(opts.bus, opts.onEventError);
  const lookups = new LookupCache({ events, ttlMs: opts.cacheTtlMs ?? 0 });
  const base = { store: opts.store, secrets: opts.secrets, events, metrics: opts.metrics, lookups };
  return {
    events,
    tools: new ToolService({
      ...base,
      defaultTimeoutMs: opts.defaultTimeoutMs,
      ...(opts.checkUrl === undefined ? {} : { checkUrl: opts.checkUrl }),
    }),
    resources: new ResourceService(base),
    prompts: new PromptService({ ...base, renderer: opts.renderer }),
    servers: new ServerService(base),
    gateways: new GatewayService({
      ...base,
      federation: opts.federation,
      defaultTimeoutMs: opts.defaultTimeoutMs,
    }),
    roots: new RootService(base),
    tags: new TagService(base),
    metrics: new MetricsService(base),
  };
}
