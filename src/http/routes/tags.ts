// /tags: every tag in use with per-kind counts, and the entities carrying one tag.
import type { FastifyInstance } from 'fastify';
import { tagEntitiesQuerySchema, tagParamsSchema, tagsQuerySchema } from '../../registry/tags/schema.js';
import type { TagService } from '../../registry/tags/service.js';
import { parseWith } from '../../errors/parse-with.js';

export function tagRoutes(app: FastifyInstance, deps: { tags: TagService }): void {
  const { tags } = deps;

  app.get('/tags', { config: { auth: 'user' } }, async (request) => {
    const query = parseWith(tagsQuerySchema, request.query);
    return tags.list({ entityTypes: query.entity_types, includeEntities: query.include_entities });
  });

  app.get('/tags/:name/entities', { config: { auth: 'user' } }, async (request) => {
    const { name } = parseWith(tagParamsSchema, request.params);
    const { entity_types } = parseWith(tagEntitiesQuerySchema, request.query);
    return tags.entities(name, entity_types);
  });
}
