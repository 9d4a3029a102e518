// Arguments reduced to plain JSON-like data before they reach a template: nothing callable, nothing inherited.

export type TemplateData =
  string | number | boolean | null | TemplateData[] | { [key: string]: TemplateData };

/** Nesting past this is refused rather than recursed into (the engine converts values recursively too). */
const MAX_DEPTH = 64;

/**
 * Copies own enumerable data only. Functions, symbols and undefined are dropped: the engine would wrap a
 * function as callable from the template, and these values cannot cross a worker boundary anyway.
 */
export function toTemplateData(args: Record<string, unknown>): Record<string, TemplateData> {
  const out: Record<string, TemplateData> = {};
  for (const [key, value] of Object.entries(args)) {
    const data = copy(value, 0);
    if (data !== undefined) define(out, key, data);
  }
  return out;
}

/** defineProperty, so a key named "__proto__" stays an ordinary key. */
function define(target: Record<string, TemplateData>, key: string, value: TemplateData): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function copy(value: unknown, depth: number): TemplateData | undefined {
  if (depth > MAX_DEPTH)
    throw new TypeError(`Prompt arguments are nested more than ${MAX_DEPTH} levels deep`);
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((item: unknown) => copy(item, depth + 1) ?? null);
      if (value instanceof Date) return value.toISOString();
      const out: Record<string, TemplateData> = {};
      for (const [key, item] of Object.entries(value)) {
        const data = copy(item, depth + 1);
        if (data !== undefined) define(out, key, data);
      }
      return out;
    }
    default:
      return undefined;
  }
}
