// /resources: CRUD, enable/disable, content reads and the template list.
import type { FastifyInstance } from 'fastify';
import { parseResourceCreate, parseResourceUpdate } from '../../registry/resources/schema.js';
import type { ResourceService } from '../../registry/resources/service.js';
import { idOf, registerCrudRoutes } from './route-kit.js';

export function resourceRoutes(app: FastifyInstance, deps: { resources: ResourceService }): void {
  const { resources } = deps;
  // As ContextForge: the MCP ListResourceTemplatesResult shape (registered before /resources/:id).
  app.get('/resources/templates/list', { config: { auth: 'user' } }, async () => ({
    resourceTemplates: await resources.listTemplates(),
  }));

  registerCrudRoutes(app, {
    collection: 'resources',
    noun: 'Resource',
    embeddedKey: 'resource',
    service: resources,
    parseCreate: parseResourceCreate,
    parseUpdate: parseResourceUpdate,
    getById: false,
  });

  // ContextForge's GET /resources/{uri} reads content, so this does too (by id, or by an encoded URI).
  app.get('/resources/:id', { config: { auth: 'user' } }, async (request) =>
    resources.readContent(idOf(request)),
  );

  app.get('/resources/:id/info', { config: { auth: 'user' } }, async (request) =>
    resources.get(idOf(request)),
  );
}
