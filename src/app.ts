// buildApp(deps): the Fastify application with its plugins and routes; no I/O at import, tests drive it with inject().
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config/load.js';
import { registerAuth, type AuthenticateHeaders } from './http/plugins/auth.js';
import { registerErrorHandling } from './http/plugins/errors.js';
import { registerJsonBodyParser } from './http/plugins/json-body.js';
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
import { prometheusRoutes, registerHttpMetrics } from './http/routes/prometheus.js';
import { newId } from './lib/ids.js';
import { DEFAULT_MAX_JSON_DEPTH } from './lib/safe-json.js';
import { registerMcpRoutes } from './mcp/routes.js';
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
  });
  app.server.headersTimeout = HEADERS_TIMEOUT_MS;
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  registerErrorHandling(app);
  registerJsonBodyParser(app, DEFAULT_MAX_JSON_DEPTH);
  registerAuth(app, deps.authenticate);
  registerHttpMetrics(app, deps.services.prometheus);

  const startedAt = new Date();
  healthRoutes(app, {
    store: deps.store,
    version: deps.version,
    startedAt,
    isShuttingDown: deps.isShuttingDown ?? (() => false),
  });

  // Every REST resource is served at /v1/... and at the unversioned path (ContextForge clients use both).
  for (const prefix of ['', '/v1']) {
    await app.register(
      (scope, _opts, done) => {
        toolRoutes(scope, deps.services.registry);
        resourceRoutes(scope, deps.services.registry);
        promptRoutes(scope, deps.services.registry);
        serverRoutes(scope, deps.services.registry);
        gatewayRoutes(scope, deps.services.registry);
        rootRoutes(scope, deps.services.registry);
        tagRoutes(scope, deps.services.registry);
        metricsRoutes(scope, deps.services.registry);
        prometheusRoutes(scope, deps.services);
        done();
      },
      { prefix },
    );
  }
  backupRoutes(app, { config: deps.config });
  registerMcpRoutes(app, {
    catalog: deps.services.catalog,
    sessions: deps.services.sessions,
    config: deps.config,
    authenticate: deps.authenticate,
    logger: app.log,
  });
  return app;
}
