// /servers: CRUD and enable/disable of virtual servers, and the entities associated with each.
import type { FastifyInstance } from 'fastify';
import type { PromptService } from '../../registry/prompts/service.js';
import type { ResourceService } from '../../registry/resources/service.js';
import type { ServerService } from '../../registry/servers/service.js';
import type { ToolService } from '../../registry/tools/service.js';
import { parseServerCreate, parseServerUpdate } from '../../registry/servers/schema.js';
import { idOf, listFilterOf, listResponse, registerCrudRoutes } from './route-kit.js';

export interface ServerRouteDeps {
  servers: ServerService;
  tools: ToolService;
  resources: ResourceService;
  prompts: PromptService;
}

export function serverRoutes(app: FastifyInstance, deps: ServerRouteDeps): void {
  const { servers, tools, resources, prompts } = deps;
  registerCrudRoutes(app, {
    collection: 'servers',
    noun: 'Server',
    embeddedKey: 'server',
    service: servers,
    parseCreate: parseServerCreate,
    parseUpdate: parseServerUpdate,
  });

  // The associated entities' own read models; enabled ones only unless include_inactive=true.
  app.get('/servers/:id/tools', { config: { auth: 'user' } }, async (request) => {
    const id = idOf(request);
    const { filter, paginated } = listFilterOf(request, 'tools');
    await servers.requireExists(id);
    return listResponse('tools', await tools.list(filter, id), paginated);
  });

  app.get('/servers/:id/resources', { config: { auth: 'user' } }, async (request) => {
    const id = idOf(request);
    const { filter, paginated } = listFilterOf(request, 'resources');
    await servers.requireExists(id);
    return listResponse('resources', await resources.list(filter, id), paginated);
  });

  app.get('/servers/:id/prompts', { config: { auth: 'user' } }, async (request) => {
    const id = idOf(request);
    const { filter, paginated } = listFilterOf(request, 'prompts');
    await servers.requireExists(id);
    return listResponse('prompts', await prompts.list(filter, id), paginated);
  });
}
