// Size and nesting checks for JSON-shaped values (schemas, arguments) before they reach a compiler or a validator.

/** Nesting depth of a JSON-like value, counted without recursion; stops counting once past `limit`. */
export function jsonDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    const level = depth + 1;
    if (level > max) max = level;
    if (max > limit) return max;
    const children = Array.isArray(current) ? current : Object.values(current as Record<string, unknown>);
    for (const child of children) stack.push([child, level]);
  }
  return max;
}

/** UTF-8 length of the value's JSON text (call after jsonDepth, so stringify cannot recurse too deep). */
export function jsonBytes(value: unknown): number {
  const text = JSON.stringify(value) as string | undefined;
  return text === undefined ? 0 : Buffer.byteLength(text, 'utf8');
}
