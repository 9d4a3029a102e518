// Request body shapes the REST API accepts: ContextForge's embedded form or the flat one, camelCase or snake_case keys.

const camelToSnake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Accepts ContextForge's embedded form (`{"tool": {...}, "team_id": ...}`) and the flat form, and maps
 * camelCase keys to snake_case at the top level only (nested JSON Schemas are user data and stay as sent).
 */
export function normalizeBody(body: unknown, embeddedKey: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
  const outer = body as Record<string, unknown>;
  const inner = outer[embeddedKey];
  const source =
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? (inner as Record<string, unknown>)
      : outer;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) out[camelToSnake(key)] = value;
  return out;
}
