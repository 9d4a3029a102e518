// Opaque keyset cursors for paginated MCP lists: stable under inserts and deletes between pages (no I/O).
import { INVALID_PARAMS, JsonRpcError } from './json-rpc.js';

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/**
 * Sorts by `keyOf` (names and URIs are unique per list) and returns the page after the cursor's key.
 * The cursor names its list, so a tools cursor sent to prompts/list is rejected rather than misread.
 */
export function paginate<T>(
  list: string,
  all: readonly T[],
  keyOf: (item: T) => string,
  cursor: string | undefined,
  pageSize: number,
): Page<T> {
  const after = cursor === undefined ? undefined : decodeCursor(list, cursor);
  const sorted = [...all].sort((a, b) => compare(keyOf(a), keyOf(b)));
  const start = after === undefined ? 0 : sorted.findIndex((item) => compare(keyOf(item), after) > 0);
  const items = start < 0 ? [] : sorted.slice(start, start + pageSize);
  const last = items.at(-1);
  const more = start >= 0 && start + pageSize < sorted.length;
  return more && last !== undefined ? { items, nextCursor: encodeCursor(list, keyOf(last)) } : { items };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function encodeCursor(list: string, after: string): string {
  return Buffer.from(JSON.stringify({ l: list, a: after }), 'utf8').toString('base64url');
}

export function decodeCursor(list: string, cursor: string): string {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && 'l' in value && 'a' in value) {
      if (value.l === list && typeof value.a === 'string') return value.a;
    }
  } catch {
    // fall through: any undecodable cursor is the client's error
  }
  throw new JsonRpcError(INVALID_PARAMS, 'Invalid cursor');
}
