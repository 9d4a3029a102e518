// /prompts: CRUD, enable/disable, and rendering with POST /prompts/{id}.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { PromptService } from '../../registry/prompts/service.js';
import { principalOf } from '../plugins/auth.js';
import { parseWith } from '../validation.js';
import { deletedResponse, idOf, listFilterOf, listResponse, registerStateRoutes } from './route-kit.js';

/** The flat arguments body (`{"name": "Ada"}`); an empty body means no arguments. */
const renderArgs = z.record(z.string(), z.unknown()).optional();

export function promptRoutes(app: FastifyInstance, deps: { prompts: PromptService }): void {
  const { prompts } = deps;

  app.get('/prompts', { config: { auth: 'user' } }, async (request) => {
    const { filter, paginated } = listFilterOf(request);
    return listResponse('prompts', await prompts.list(filter), paginated);
  });

  app.post('/prompts', { config: { auth: 'admin' } }, async (request, reply) => {
    reply.status(201);
    return prompts.create(request.body, principalOf(request));
  });

  app.get('/prompts/:id', { config: { auth: 'user' } }, async (request) => prompts.get(idOf(request)));

  // Rendering is a read: any valid token may do it (ContextForge's POST /prompts/{name}).
  app.post('/prompts/:id', { config: { auth: 'user' } }, async (request) =>
    prompts.render(idOf(request), parseWith(renderArgs, request.body) ?? {}),
  );

  app.put('/prompts/:id', { config: { auth: 'admin' } }, async (request) =>
    prompts.update(idOf(request), request.body, principalOf(request)),
  );

  app.delete('/prompts/:id', { config: { auth: 'admin' } }, async (request) => {
    const id = idOf(request);
    await prompts.delete(id);
    return deletedResponse('Prompt', id);
  });

  registerStateRoutes(app, '/prompts', prompts);
}
