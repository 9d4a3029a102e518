// /resources: CRUD, enable/disable, content reads and the template list.
import type { FastifyInstance } from 'fastify';
import type { ResourceService } from '../../registry/resources/service.js';
import { principalOf } from '../plugins/auth.js';
import { deletedResponse, idOf, listFilterOf, listResponse, registerStateRoutes } from './route-kit.js';

export function resourceRoutes(app: FastifyInstance, deps: { resources: ResourceService }): void {
  const { resources } = deps;

  app.get('/resources', { config: { auth: 'user' } }, async (request) => {
    const { filter, paginated } = listFilterOf(request);
    return listResponse('resources', await resources.list(filter), paginated);
  });

  app.post('/resources', { config: { auth: 'admin' } }, async (request, reply) => {
    reply.status(201);
    return resources.create(request.body, principalOf(request));
  });

  // As ContextForge: the MCP ListResourceTemplatesResult shape.
  app.get('/resources/templates/list', { config: { auth: 'user' } }, async () => ({
    resourceTemplates: await resources.listTemplates(),
  }));

  // ContextForge's GET /resources/{uri} reads content, so this does too (by id, or by an encoded URI).
  app.get('/resources/:id', { config: { auth: 'user' } }, async (request) =>
    resources.readContent(idOf(request)),
  );

  app.get('/resources/:id/info', { config: { auth: 'user' } }, async (request) =>
    resources.get(idOf(request)),
  );

  app.put('/resources/:id', { config: { auth: 'admin' } }, async (request) =>
    resources.update(idOf(request), request.body, principalOf(request)),
  );

  app.delete('/resources/:id', { config: { auth: 'admin' } }, async (request) => {
    const id = idOf(request);
    await resources.delete(id);
    return deletedResponse('Resource', id);
  });

  registerStateRoutes(app, '/resources', resources);
}
