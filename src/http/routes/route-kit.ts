// Helpers every REST route file uses: list responses, the enable/disable pair, path params.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import {
  listQuerySchema,
  toListFilter,
  type ListFilter,
  type Page,
} from '../../registry/common/pagination.js';
import { principalOf } from '../plugins/auth.js';
import { parseWith } from '../validation.js';

const idParams = z.object({ id: z.string().min(1).max(255) });
const stateQuery = z.object({
  activate: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
});

export function idOf(request: FastifyRequest): string {
  return parseWith(idParams, request.params).id;
}

export function listFilterOf(request: FastifyRequest): { filter: ListFilter; paginated: boolean } {
  const query = parseWith(listQuerySchema, request.query);
  return { filter: toListFilter(query), paginated: query.include_pagination };
}

/** A plain array (ContextForge's default), or `{ <key>: [...], nextCursor }` with include_pagination=true. */
export function listResponse<T>(key: string, page: Page<T>, paginated: boolean): unknown {
  return paginated ? { [key]: page.items, nextCursor: page.nextCursor ?? null } : page.items;
}

export interface Toggleable<T> {
  setEnabled(id: string, enabled: boolean, principal: Principal): Promise<T>;
}

/** `POST /{kind}/{id}/state?activate=` and the older `/toggle`, both admin-only. */
export function registerStateRoutes<T>(app: FastifyInstance, base: string, service: Toggleable<T>): void {
  for (const suffix of ['state', 'toggle']) {
    app.post(`${base}/:id/${suffix}`, { config: { auth: 'admin' } }, async (request) => {
      const { activate } = parseWith(stateQuery, request.query);
      return service.setEnabled(idOf(request), activate, principalOf(request));
    });
  }
}

export function deletedResponse(kind: string, id: string): { status: 'success'; message: string } {
  return { status: 'success', message: `${kind} ${id} deleted` };
}
