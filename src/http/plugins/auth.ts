// Every route declares an auth decision (public | user | admin); this hook enforces it before the handler runs.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.js';
import type { Principal } from '../../auth/principal.js';

/**
 * public: no credentials; user: any valid token; admin: an admin token; self: the handler authenticates
 * itself (MCP endpoints, which must check Host/Origin before auth and answer in JSON-RPC).
 */
export type AuthDecision = 'public' | 'user' | 'admin' | 'self';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthDecision;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
  }
  interface FastifyInstance {
    /** Every route with its auth decision, for the test that walks the route table. */
    routeAuth: RouteAuth[];
  }
}

export interface RouteAuth {
  method: string;
  url: string;
  auth: AuthDecision;
}

export type AuthenticateHeaders = (headers: { authorization?: string | undefined }) => Promise<Principal>;

/** The principal of an authenticated route; a handler on a public route never calls this. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === undefined)
    throw new AppError({ code: 'Unauthorized', message: 'Authentication required' });
  return request.principal;
}

export function registerAuth(app: FastifyInstance, authenticate: AuthenticateHeaders): void {
  app.decorateRequest('principal', undefined);
  const table: RouteAuth[] = [];
  app.decorate('routeAuth', table);
  app.addHook('onRoute', (route) => {
    // A route without a decision is a bug caught at start-up, not a route that is silently open.
    const auth = route.config?.auth;
    if (auth === undefined)
      throw new Error(`Route ${String(route.method)} ${route.url} has no auth decision (config.auth)`);
    for (const method of [route.method].flat()) table.push({ method, url: route.url, auth });
  });
  app.addHook('onRequest', async (request) => {
    const decision = request.routeOptions.config.auth;
    // Unknown routes (404 handler) carry no decision and need no principal.
    if (decision === undefined || decision === 'public' || decision === 'self') return;
    const principal = await authenticate({ authorization: request.headers.authorization });
    if (decision === 'admin' && !principal.isAdmin) {
      throw new AppError({
        code: 'Forbidden',
        message: 'This operation needs an admin token (mint one with: mcpgateway token --admin ...)',
      });
    }
    request.principal = principal;
  });
}
