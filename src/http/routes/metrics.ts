// /metrics: aggregate execution metrics per kind, and their reset (admin).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { MetricsService } from '../../registry/metrics/service.js';
import { parseWith } from '../../errors/parse-with.js';

/** `entity` takes the singular or plural kind; `entity_id` is ContextForge's name for `id`. */
const resetQuery = z
  .object({
    entity: z
      .string()
      .transform((s) => s.toLowerCase().replace(/s$/, ''))
      .pipe(z.enum(['tool', 'resource', 'prompt', 'server']))
      .optional(),
    id: z.string().min(1).max(255).optional(),
    entity_id: z.string().min(1).max(255).optional(),
  })
  .transform((q) => ({ entity: q.entity, id: q.id ?? q.entity_id }));

export function metricsRoutes(app: FastifyInstance, deps: { metrics: MetricsService }): void {
  const { metrics } = deps;

  app.get('/metrics', { config: { auth: 'user' } }, async () => metrics.overview());

  app.post('/metrics/reset', { config: { auth: 'admin' } }, async (request) => {
    const { entity, id } = parseWith(resetQuery, request.query);
    const removed = await metrics.reset(entity, id);
    const scope = entity === undefined ? 'all' : id === undefined ? `${entity}` : `${entity} ${id}`;
    return { status: 'success', message: `Metrics reset for ${scope} (${removed} rows removed)` };
  });
}
