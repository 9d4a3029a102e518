// /tools: CRUD and enable/disable of tools.
import type { FastifyInstance } from 'fastify';
import { parseToolCreate, parseToolUpdate } from '../../registry/tools/schema.js';
import type { ToolService } from '../../registry/tools/service.js';
import { registerCrudRoutes } from './route-kit.js';

export function toolRoutes(app: FastifyInstance, deps: { tools: ToolService }): void {
  registerCrudRoutes(app, {
    collection: 'tools',
    noun: 'Tool',
    embeddedKey: 'tool',
    service: deps.tools,
    parseCreate: parseToolCreate,
    parseUpdate: parseToolUpdate,
  });
}
