// Paginated MCP lists: sorted, cut after the cursor's key, stable under inserts and deletes between pages (no I/O).
import { decodeCursor, encodeCursor, type Page } from '../../lib/cursor.js';
import { INVALID_PARAMS, JsonRpcError } from './json-rpc.js';

/** Sorts by `keyOf` (names and URIs are unique per list) and returns the page after the cursor's key. */
export function paginate<T>(
  list: string,
  all: readonly T[],
  keyOf: (item: T) => string,
  cursor: string | undefined,
  pageSize: number,
): Page<T> {
  const after = cursor === undefined ? undefined : decodeCursor(list, cursor);
  if (cursor !== undefined && after === undefined) throw new JsonRpcError(INVALID_PARAMS, 'Invalid cursor');
  const sorted = [...all].sort((a, b) => compare(keyOf(a), keyOf(b)));
  const start = after === undefined ? 0 : sorted.findIndex((item) => compare(keyOf(item), after) > 0);
  const items = start < 0 ? [] : sorted.slice(start, start + pageSize);
  const last = items.at(-1);
  const more = start >= 0 && start + pageSize < sorted.length;
  return more && last !== undefined ? { items, nextCursor: encodeCursor(list, keyOf(last)) } : { items };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
