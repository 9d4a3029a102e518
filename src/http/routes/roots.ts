// /roots: list, add and remove the roots the gateway advertises.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseWith } from '../../errors/parse-with.js';
import { parseRootCreate } from '../../registry/roots/schema.js';
import type { RootService } from '../../registry/roots/service.js';
import { normalizeBody } from './body.js';

/** The URI is the rest of the path: URL-encoded (`file%3A%2F%2F%2Fsrv`) or raw (`file:///srv`) as ContextForge's {uri:path}. */
const rootParams = z.object({ '*': z.string().min(1, 'name the root uri after /roots/').max(4096) });

export function rootRoutes(app: FastifyInstance, deps: { roots: RootService }): void {
  const { roots } = deps;

  app.get('/roots', { config: { auth: 'user' } }, async () => roots.list());

  app.post('/roots', { config: { auth: 'admin' } }, async (request, reply) => {
    const input = parseRootCreate(normalizeBody(request.body, 'root'));
    reply.status(201);
    return roots.add(input);
  });

  app.delete('/roots/*', { config: { auth: 'admin' } }, async (request) => {
    const uri = parseWith(rootParams, request.params)['*'];
    await roots.remove(uri);
    return { status: 'success', message: `Root ${uri} removed` };
  });
}
