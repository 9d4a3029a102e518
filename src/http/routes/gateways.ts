// /gateways: register (discovering the upstream), update, enable/disable, delete and refresh federated MCP servers.
import type { FastifyInstance } from 'fastify';
import type { GatewayService } from '../../registry/gateways/service.js';
import { principalOf } from '../plugins/auth.js';
import { deletedResponse, idOf, listFilterOf, listResponse, registerStateRoutes } from './route-kit.js';

export function gatewayRoutes(app: FastifyInstance, deps: { gateways: GatewayService }): void {
  const { gateways } = deps;

  app.get('/gateways', { config: { auth: 'user' } }, async (request) => {
    const { filter, paginated } = listFilterOf(request);
    return listResponse('gateways', await gateways.list(filter), paginated);
  });

  app.post('/gateways', { config: { auth: 'admin' } }, async (request, reply) => {
    reply.status(201);
    return gateways.create(request.body, principalOf(request));
  });

  app.get('/gateways/:id', { config: { auth: 'user' } }, async (request) => gateways.get(idOf(request)));

  app.put('/gateways/:id', { config: { auth: 'admin' } }, async (request) =>
    gateways.update(idOf(request), request.body, principalOf(request)),
  );

  app.delete('/gateways/:id', { config: { auth: 'admin' } }, async (request) => {
    const id = idOf(request);
    await gateways.delete(id);
    return deletedResponse('Gateway', id);
  });

  // Re-lists the upstream now; answers { added, updated, removed } for tools and the same per kind.
  app.post('/gateways/:id/tools/refresh', { config: { auth: 'admin' } }, async (request) =>
    gateways.refresh(idOf(request), principalOf(request)),
  );

  registerStateRoutes(app, '/gateways', gateways);
}
