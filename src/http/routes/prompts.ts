// /prompts: CRUD, enable/disable, and rendering with POST /prompts/{id}.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseWith } from '../../errors/parse-with.js';
import { parsePromptCreate, parsePromptUpdate } from '../../registry/prompts/schema.js';
import type { PromptService } from '../../registry/prompts/service.js';
import { idOf, registerCrudRoutes } from './route-kit.js';

/** The flat arguments body (`{"name": "Ada"}`); an empty body means no arguments. */
const renderArgs = z.record(z.string(), z.unknown()).optional();

export function promptRoutes(app: FastifyInstance, deps: { prompts: PromptService }): void {
  const { prompts } = deps;
  registerCrudRoutes(app, {
    collection: 'prompts',
    noun: 'Prompt',
    embeddedKey: 'prompt',
    service: prompts,
    parseCreate: parsePromptCreate,
    parseUpdate: parsePromptUpdate,
  });

  // Rendering is a read: any valid token may do it (ContextForge's POST /prompts/{name}).
  app.post('/prompts/:id', { config: { auth: 'user' } }, async (request) =>
    prompts.render(idOf(request), parseWith(renderArgs, request.body) ?? {}),
  );
}
