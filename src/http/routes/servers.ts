// /servers: CRUD and enable/disable of virtual servers, and the entities associated with each.
import type { FastifyInstance } from 'fastify';
import type { PromptService } from '../../registry/prompts/service.js';
import type { ResourceService } from '../../registry/resources/service.js';
import type { ServerService } from '../../registry/servers/service.js';
import type { ToolService } from '../../registry/tools/service.js';
import { principalOf } from '../plugins/auth.js';
import { deletedResponse, idOf, listFilterOf, listResponse, registerStateRoutes } from './route-kit.js';

export interface ServerRouteDeps {
  servers: ServerService;
  tools: ToolService;
  resources: ResourceService;
  prompts: PromptService;
}

export function serverRoutes(app: FastifyInstance, deps: ServerRouteDeps): void {
  const { servers, tools, resources, prompts } = deps;

  app.get('/servers', { config: { auth: 'user' } }, async (request) => {
    const { filter, paginated } = listFilterOf(request);
    return listResponse('servers', await servers.list(filter), paginated);
  });

  app.post('/servers', { config: { auth: 'admin' } }, async (request, reply) => {
    reply.status(201);
    return servers.create(request.body, principalOf(request));
  });

  app.get('/servers/:id', { config: { auth: 'user' } }, async (request) => servers.get(idOf(request)));

  app.put('/servers/:id', { config: { auth: 'admin' } }, async (request) =>
    servers.update(idOf(request), request.body, principalOf(request)),
  );

  app.delete('/servers/:id', { config: { auth: 'admin' } }, async (request) => {
    const id = idOf(request);
    await servers.delete(id);
    return deletedResponse('Server', id);
  });

  registerStateRoutes(app, '/servers', servers);

  // The associated entities' own read models; enabled ones only unless include_inactive=true.
  app.get('/servers/:id/tools', { config: { auth: 'user' } }, async (request) => {
    const id = idOf(request);
    const { filter, paginated } = listFilterOf(request);
    await servers.requireExists(id);
    return listResponse('tools', await tools.list(filter, id), paginated);
  });

  app.get('/servers/:id/resources', { config: { auth: 'user' } }, async (request) => {
    const id = idOf(request);
    const { filter, paginated } = listFilterOf(request);
    await servers.requireExists(id);
    return listResponse('resources', await resources.list(filter, id), paginated);
  });

  app.get('/servers/:id/prompts', { config: { auth: 'user' } }, async (request) => {
    const id = idOf(request);
    const { filter, paginated } = listFilterOf(request);
    await servers.requireExists(id);
    return listResponse('prompts', await prompts.list(filter, id), paginated);
  });
}
