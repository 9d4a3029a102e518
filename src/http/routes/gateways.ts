// /gateways: register (discovering the upstream), update, enable/disable, delete and refresh federated MCP servers.
import type { FastifyInstance } from 'fastify';
import { parseGatewayCreate, parseGatewayUpdate } from '../../registry/gateways/schema.js';
import type { GatewayService } from '../../registry/gateways/service.js';
import { principalOf } from '../plugins/auth.js';
import { idOf, registerCrudRoutes } from './route-kit.js';

export function gatewayRoutes(app: FastifyInstance, deps: { gateways: GatewayService }): void {
  const { gateways } = deps;
  // POST /gateways is flat in ContextForge; the embedded form is accepted too, as for every other kind.
  registerCrudRoutes(app, {
    collection: 'gateways',
    noun: 'Gateway',
    embeddedKey: 'gateway',
    service: gateways,
    parseCreate: parseGatewayCreate,
    parseUpdate: parseGatewayUpdate,
  });

  // Re-lists the upstream now; answers { added, updated, removed } for tools and the same per kind.
  app.post('/gateways/:id/tools/refresh', { config: { auth: 'admin' } }, async (request) =>
    gateways.refresh(idOf(request), principalOf(request)),
  );
}
