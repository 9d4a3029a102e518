// /tools: CRUD and enable/disable of tools.
import type { FastifyInstance } from 'fastify';
import type { ToolService } from '../../registry/tools/service.js';
import { principalOf } from '../plugins/auth.js';
import { deletedResponse, idOf, listFilterOf, listResponse, registerStateRoutes } from './route-kit.js';

export function toolRoutes(app: FastifyInstance, deps: { tools: ToolService }): void {
  const { tools } = deps;

  app.get('/tools', { config: { auth: 'user' } }, async (request) => {
    const { filter, paginated } = listFilterOf(request);
    return listResponse('tools', await tools.list(filter), paginated);
  });

  app.post('/tools', { config: { auth: 'admin' } }, async (request, reply) => {
    reply.status(201);
    return tools.create(request.body, principalOf(request));
  });

  app.get('/tools/:id', { config: { auth: 'user' } }, async (request) => tools.get(idOf(request)));

  app.put('/tools/:id', { config: { auth: 'admin' } }, async (request) =>
    tools.update(idOf(request), request.body, principalOf(request)),
  );

  app.delete('/tools/:id', { config: { auth: 'admin' } }, async (request) => {
    const id = idOf(request);
    await tools.delete(id);
    return deletedResponse('Tool', id);
  });

  registerStateRoutes(app, '/tools', tools);
}
