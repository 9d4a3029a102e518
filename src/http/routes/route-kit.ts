// What every REST route file shares: the CRUD and enable/disable routes of an entity, list responses, path params.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import { parseWith } from '../../errors/parse-with.js';
import type { Page } from '../../lib/cursor.js';
import type { ListFilter } from '../../store/repos/list-filter.js';
import { principalOf } from '../plugins/auth.js';
import { normalizeBody } from './body.js';
import { listQuerySchema, toListFilter } from './list-query.js';

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

/** The list filter from the query string; `collection` names the list cursors belong to. */
export function listFilterOf(
  request: FastifyRequest,
  collection: string,
): { filter: ListFilter; paginated: boolean } {
  const query = parseWith(listQuerySchema, request.query);
  return { filter: toListFilter(collection, query), paginated: query.include_pagination };
}

/** A plain array (ContextForge's default), or `{ <key>: [...], nextCursor }` with include_pagination=true. */
export function listResponse<T>(key: string, page: Page<T>, paginated: boolean): unknown {
  return paginated ? { [key]: page.items, nextCursor: page.nextCursor ?? null } : page.items;
}

export function deletedResponse(kind: string, id: string): { status: 'success'; message: string } {
  return { status: 'success', message: `${kind} ${id} deleted` };
}

/** What the CRUD routes call: the shape every registry entity service has. */
export interface CrudService<Create, Update, Read> {
  list(filter: ListFilter): Promise<Page<Read>>;
  get(id: string): Promise<Read>;
  create(input: Create, principal: Principal): Promise<Read>;
  update(id: string, input: Update, principal: Principal): Promise<Read>;
  delete(id: string): Promise<void>;
  setEnabled(id: string, enabled: boolean, principal: Principal): Promise<Read>;
}

export interface CrudRoutes<Create, Update, Read> {
  /** The path and list key: 'tools' serves /tools, /tools/{id}, … */
  collection: string;
  /** As messages name one: 'Tool'. */
  noun: string;
  /** ContextForge's embedded body key: `{"tool": {...}}`. */
  embeddedKey: string;
  service: CrudService<Create, Update, Read>;
  parseCreate(raw: Record<string, unknown>): Create;
  parseUpdate(raw: Record<string, unknown>): Update;
  /** False when GET /{collection}/{id} means something else (resources answer their content there). */
  getById?: boolean;
}

/**
 * GET (list), POST, GET/PUT/DELETE by id, and `POST /{kind}/{id}/state?activate=` with the older `/toggle`.
 * Reads need any valid token, writes an admin one. The route owns the body shape; the service gets typed input.
 */
export function registerCrudRoutes<Create, Update, Read>(
  app: FastifyInstance,
  spec: CrudRoutes<Create, Update, Read>,
): void {
  const { collection, service } = spec;
  const base = `/${collection}`;
  const bodyOf = (request: FastifyRequest) => normalizeBody(request.body, spec.embeddedKey);

  app.get(base, { config: { auth: 'user' } }, async (request) => {
    const { filter, paginated } = listFilterOf(request, collection);
    return listResponse(collection, await service.list(filter), paginated);
  });

  app.post(base, { config: { auth: 'admin' } }, async (request, reply) => {
    const input = spec.parseCreate(bodyOf(request));
    reply.status(201);
    return service.create(input, principalOf(request));
  });

  if (spec.getById !== false)
    app.get(`${base}/:id`, { config: { auth: 'user' } }, async (request) => service.get(idOf(request)));

  app.put(`${base}/:id`, { config: { auth: 'admin' } }, async (request) =>
    service.update(idOf(request), spec.parseUpdate(bodyOf(request)), principalOf(request)),
  );

  app.delete(`${base}/:id`, { config: { auth: 'admin' } }, async (request) => {
    const id = idOf(request);
    await service.delete(id);
    return deletedResponse(spec.noun, id);
  });

  for (const suffix of ['state', 'toggle']) {
    app.post(`${base}/:id/${suffix}`, { config: { auth: 'admin' } }, async (request) => {
      const { activate } = parseWith(stateQuery, request.query);
      return service.setEnabled(idOf(request), activate, principalOf(request));
    });
  }
}
