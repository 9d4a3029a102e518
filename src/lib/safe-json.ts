// JSON parsing for untrusted bodies: bounded nesting (checked before JSON.parse recurses) and no prototype-polluting keys.

export class JsonInputError extends Error {
  constructor(
    message: string,
    readonly reason: 'syntax' | 'depth' | 'forbidden-key',
  ) {
    super(message);
    this.name = 'JsonInputError';
  }
}

export const DEFAULT_MAX_JSON_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Scans nesting depth without recursion, skipping string contents; throws past maxDepth. */
function assertDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > maxDepth) throw new JsonInputError(`JSON nested deeper than ${maxDepth} levels`, 'depth');
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
}

function assertNoForbiddenKeys(value: unknown): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== 'object') continue;
    if (Array.isArray(current)) {
      for (const item of current) stack.push(item);
      continue;
    }
    for (const key of Object.keys(current)) {
      if (FORBIDDEN_KEYS.has(key))
        throw new JsonInputError(`JSON key "${key}" is not allowed`, 'forbidden-key');
      stack.push((current as Record<string, unknown>)[key]);
    }
  }
}

export function parseJsonSafely(text: string, maxDepth = DEFAULT_MAX_JSON_DEPTH): unknown {
  assertDepth(text, maxDepth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new JsonInputError(`Invalid JSON: ${(error as Error).message}`, 'syntax');
  }
  assertNoForbiddenKeys(value);
  return value;
}
