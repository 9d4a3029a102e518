// buildApp(deps): the Fastify application with its plugins and routes; no I/O at import, tests drive it with inject().
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config/load.js';
import { registerAuth, type AuthenticateHeaders } from './http/plugins/auth.js';
import { registerErrorHandling } from './http/plugins/errors.js';
import { registerJsonBodyParser } from './http/plugins/json-body.js';
import { registerShutdownGate } from './http/plugins/shutdown-gate.js';
import { backupRoutes } from './http/routes/backups.js';
import { healthRoutes } from './http/routes/health.js';
import { toolRoutes } from './http/routes/tools.js';
import { promptRoutes } from './http/routes/prompts.js';
import { resourceRoutes } from './http/routes/resources.js';
import { gatewayRoutes } from './http/routes/gateways.js';
import { metricsRoutes } from './http/routes/metrics.js';
import { rootRoutes } from './http/routes/roots.js';
import { serverRoutes } from './http/routes/servers.js';
import { tagRoutes } from './http/routes/tags.js';
import { transferRoutes } from './http/routes/transfer.js';
import { prometheusRoutes, registerHttpMetrics } from './http/routes/prometheus.js';
import { newId } from './lib/ids.js';
import { DEFAULT_MAX_JSON_DEPTH } from './lib/safe-json.js';
import { registerMcpRoutes } from './mcp/routes.js';
import { DEFAULT_MAX_SESSIONS_PER_PRINCIPAL, SessionHub, sessionTimings } from './mcp/session-hub.js';
import type { Services } from './services.js';
import type { Store } from './store/db.js';

export interface AppDeps {
  config: Config;
  store: Store;
  services: Services;
  authenticate: AuthenticateHeaders;
  version: string;
  logger?: FastifyServerOptions['logger'];
  isShuttingDown?: () => boolean;
}

/** Stalled clients are cut off well before Node's defaults (DESIGN §5). */
const HEADERS_TIMEOUT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 30_000;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.config.maxBodyBytes,
    requestTimeout: REQUEST_TIMEOUT_MS,
    requestIdHeader: 'x-request-id',
    genReqId: () => newId(),
    routerOptions: { ignoreTrailingSlash: true },
    // The shutdown gate answers instead, with a `detail` like every other error.
    return503OnClosing: false,
  });
  app.server.headersTimeout = HEADERS_TIMEOUT_MS;
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  registerErrorHandling(app);
  registerShutdownGate(app, deps.isShuttingDown ?? (() => false));
  registerJsonBodyParser(app, DEFAULT_MAX_JSON_DEPTH);
  registerAuth(app, deps.authenticate);
  registerHttpMetrics(app, deps.services.prometheus);

  const health = {
    store: deps.store,
    version: deps.version,
    startedAt: new Date(),
    isShuttingDown: deps.isShuttingDown ?? (() => false),
    sessions: deps.services.sessions,
  };

  // Every REST resource is served at /v1/... and at the unversioned path (ContextForge clients use both).
  for (const prefix of ['', '/v1']) {
    await app.register(
      (scope, _opts, done) => {
        healthRoutes(scope, health);
        toolRoutes(scope, deps.services.registry);
        resourceRoutes(scope, deps.services.registry);
        promptRoutes(scope, deps.services.registry);
        serverRoutes(scope, deps.services.registry);
        gatewayRoutes(scope, deps.services.registry);
        rootRoutes(scope, deps.services.registry);
        tagRoutes(scope, deps.services.registry);
        metricsRoutes(scope, deps.services.registry);
        prometheusRoutes(scope, deps.services);
        transferRoutes(scope, deps.services);
        done();
      },
      { prefix },
    );
  }
  backupRoutes(app, { config: deps.config });
  const hub = new SessionHub({
    store: deps.services.sessions,
    catalog: deps.services.catalog,
    bus: deps.services.bus,
    logger: app.log,
    maxSessionsPerPrincipal: DEFAULT_MAX_SESSIONS_PER_PRINCIPAL,
    ...sessionTimings(deps.config.sessionTtl),
  });
  registerMcpRoutes(app, {
    catalog: deps.services.catalog,
    hub,
    config: deps.config,
    authenticate: deps.authenticate,
    logger: app.log,
    ...(deps.isShuttingDown === undefined ? {} : { isShuttingDown: deps.isShuttingDown }),
  });
  return app;
}
