// The filter every collection list takes, and the pieces of list queries the entity repos share.
import { sql, type RawBuilder } from 'kysely';
import { encodeCursor, type Page } from '../../lib/cursor.js';

export interface ListFilter {
  includeInactive: boolean;
  tags: string[];
  gatewayId?: string | undefined;
  /** 0 = everything. */
  limit: number;
  /** The last sort key of the previous page. */
  after?: string | undefined;
}

/** Every enabled row, unpaged. */
export const ALL_ENABLED: Readonly<ListFilter> = Object.freeze({
  includeInactive: false,
  tags: [],
  limit: 0,
});

/**
 * Tags are stored as a JSON array of normalized strings, so `"tag"` inside the text matches exactly one
 * element; LIKE wildcards in the tag (`_`) are escaped so `a_b` never matches `axb`.
 */
export function hasTag(column: string, tag: string): RawBuilder<boolean> {
  const pattern = `%${JSON.stringify(tag).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`${sql.ref(column)} like ${pattern} escape '\\'`;
}

/** Repos fetch limit+1 rows; the extra row tells whether a next page of `list` exists. */
export function toPage<T>(list: string, rows: T[], limit: number, keyOf: (row: T) => string): Page<T> {
  if (limit === 0 || rows.length <= limit) return { items: rows, nextCursor: undefined };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(list, keyOf(items[items.length - 1] as T)) };
}
