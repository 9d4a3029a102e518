// Opaque keyset cursors (one codec for REST and MCP lists) and the page shape every list returns.

export interface Page<T> {
  items: T[];
  /** Absent (or undefined) on the last page. */
  nextCursor?: string | undefined;
}

/** The cursor names its list, so a tools cursor sent to a prompts list is refused rather than misread. */
export function encodeCursor(list: string, after: string): string {
  return Buffer.from(JSON.stringify({ l: list, a: after }), 'utf8').toString('base64url');
}

/** The sort key after which the next page starts; undefined when the cursor is not one of `list`'s. */
export function decodeCursor(list: string, cursor: string): string | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && 'l' in value && 'a' in value)
      if (value.l === list && typeof value.a === 'string') return value.a;
  } catch {
    // any undecodable cursor is the caller's error
  }
  return undefined;
}
