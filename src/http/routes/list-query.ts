// The query string every collection list takes (ContextForge's names), parsed into the store's ListFilter.
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { decodeCursor } from '../../lib/cursor.js';
import type { ListFilter } from '../../store/repos/list-filter.js';

const boolParam = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
  .transform((v) => v === true || v === 'true' || v === '1');

export const listQuerySchema = z.object({
  include_inactive: boolParam.optional().default(false),
  tags: z
    .string()
    .optional()
    .transform((v) =>
      v === undefined
        ? []
        : v
            .split(',')
            .map((t) => t.trim().toLowerCase())
            .filter((t) => t.length > 0),
    ),
  gateway_id: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(0).max(1000).optional(),
  cursor: z.string().max(512).optional(),
  include_pagination: boolParam.optional().default(false),
});

export type ListQuery = z.output<typeof listQuerySchema>;

const DEFAULT_PAGE = 50;

/** Without a cursor or include_pagination, a list returns everything unless a limit is given (ContextForge's behaviour). */
export function toListFilter(list: string, query: ListQuery): ListFilter {
  const paginated = query.include_pagination || query.cursor !== undefined;
  let after: string | undefined;
  if (query.cursor !== undefined) {
    after = decodeCursor(list, query.cursor);
    if (after === undefined)
      throw new AppError({
        code: 'BadRequest',
        message: `Invalid cursor: pass the nextCursor of a previous page of /${list} unchanged`,
      });
  }
  return {
    includeInactive: query.include_inactive,
    tags: query.tags,
    gatewayId: query.gateway_id,
    limit: query.limit ?? (paginated ? DEFAULT_PAGE : 0),
    after,
  };
}
