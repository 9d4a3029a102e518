// /health, /ready (public, for load balancers) and /version (authenticated: it reveals the build).
import type { FastifyInstance } from 'fastify';
import type { SessionStore } from '../../cache/session-store.js';
import { AppError } from '../../errors/app-error.js';
import { pingStore, type Store } from '../../store/db.js';

/** A backend that does not answer within this is down as far as a load balancer's probe is concerned. */
const READY_PROBE_TIMEOUT_MS = 2_000;

export interface HealthDeps {
  store: Store;
  version: string;
  startedAt: Date;
  isShuttingDown: () => boolean;
  /** The MCP session backend (Redis when CACHE_TYPE=redis): /ready is 503 while it is down. */
  sessions: Pick<SessionStore, 'ping'>;
}

function withinProbeTimeout(check: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AppError({
            code: 'Unavailable',
            message: `MCP session store did not answer within ${READY_PROBE_TIMEOUT_MS} ms`,
          }),
        ),
      READY_PROBE_TIMEOUT_MS,
    );
  });
  return Promise.race([check, late]).finally(() => clearTimeout(timer));
}

export function healthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  const check = async (): Promise<void> => {
    try {
      await pingStore(deps.store);
    } catch (error) {
      throw new AppError({
        code: 'Unavailable',
        message: `Database unreachable: ${(error as Error).message}`,
      });
    }
  };

  // Both answer while the gateway drains: it is alive (/health) but takes no new work (/ready is 503).
  app.get('/health', { config: { auth: 'public', whileClosing: 'self' } }, async () => {
    await check();
    return { status: 'healthy' };
  });

  app.get('/ready', { config: { auth: 'public', whileClosing: 'self' } }, async () => {
    if (deps.isShuttingDown()) throw new AppError({ code: 'Unavailable', message: 'Shutting down' });
    await check();
    await withinProbeTimeout(deps.sessions.ping());
    return { status: 'ready' };
  });

  app.get('/version', { config: { auth: 'user' } }, () => ({
    app: { name: 'mcpgateway', version: deps.version },
    runtime: { node: process.version, platform: process.platform },
    database: { dialect: deps.store.dialect },
    uptimeSeconds: Math.round((Date.now() - deps.startedAt.getTime()) / 1000),
  }));
}
