// Once shutdown begins, new requests get 503 with a `detail` (a load balancer retries them elsewhere) while the ones in flight finish.
import type { FastifyInstance } from 'fastify';
import { shuttingDown } from '../../mcp/drain.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * refuse (the default): 503 once shutdown began. self: the route decides (MCP endpoints still take what calls
     * in flight wait for, such as a client's answer to a server-to-client request or a cancellation).
     */
    whileClosing?: 'refuse' | 'self';
  }
}

/**
 * Fastify's own 503 while closing carries no `detail` and only starts once `close()` runs its hooks; this one
 * starts the moment `isShuttingDown` says so and answers in the API's error shape.
 */
export function registerShutdownGate(app: FastifyInstance, isShuttingDown: () => boolean): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!closing && !isShuttingDown()) return;
    if (request.routeOptions.config.whileClosing === 'self') return;
    // The client's next request should open a new connection, which lands on an instance that is staying.
    reply.header('connection', 'close');
    throw shuttingDown();
  });
}
