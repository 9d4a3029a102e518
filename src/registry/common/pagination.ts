// List filters every collection takes, and opaque keyset cursors over each table's unique sort column.
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';

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

export interface ListFilter {
  includeInactive: boolean;
  tags: string[];
  gatewayId?: string | undefined;
  /** 0 = everything. */
  limit: number;
  /** The last sort key of the previous page. */
  after?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | undefined;
}

const DEFAULT_PAGE = 50;

export function encodeCursor(lastKey: string): string {
  return Buffer.from(JSON.stringify({ k: lastKey }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && typeof (parsed as { k?: unknown }).k === 'string') {
      return (parsed as { k: string }).k;
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError({
    code: 'BadRequest',
    message: 'Invalid cursor: pass the nextCursor of a previous page unchanged',
  });
}

/** Without a cursor or include_pagination, a list returns everything unless a limit is given (ContextForge's behaviour). */
export function toListFilter(query: ListQuery): ListFilter {
  const paginated = query.include_pagination || query.cursor !== undefined;
  return {
    includeInactive: query.include_inactive,
    tags: query.tags,
    gatewayId: query.gateway_id,
    limit: query.limit ?? (paginated ? DEFAULT_PAGE : 0),
    after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
  };
}

/** Fetch limit+1 rows, then cut: the extra row tells whether a next page exists. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => string): Page<T> {
  if (limit === 0 || rows.length <= limit) return { items: rows, nextCursor: undefined };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(keyOf(items[items.length - 1] as T)) };
}
