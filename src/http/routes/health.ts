// /health, /ready (public, for load balancers) and /version (authenticated: it reveals the build).
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors/app-error.js';
import { pingStore, type Store } from '../../store/db.js';

export interface HealthDeps {
  store: Store;
  version: string;
  startedAt: Date;
  isShuttingDown: () => boolean;
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
    return { status: 'ready' };
  });

  app.get('/version', { config: { auth: 'user' } }, () => ({
    app: { name: 'mcpgateway', version: deps.version },
    runtime: { node: process.version, platform: process.platform },
    database: { dialect: deps.store.dialect },
    uptimeSeconds: Math.round((Date.now() - deps.startedAt.getTime()) / 1000),
  }));
}
