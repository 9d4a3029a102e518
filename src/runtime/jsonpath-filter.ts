// jsonpath_filter: narrows a JSON response with a JSONPath expression; script evaluation is off.
import { JSONPath } from 'jsonpath-plus';
import type { JsonValue } from './rest-response.js';

/**
 * One match comes back bare and several as an array, as ContextForge does. `eval: false` makes
 * `?(...)` and `(...)` script expressions an error instead of code run on the gateway.
 */
export function applyJsonPathFilter(value: JsonValue, path: string): JsonValue {
  const matches = JSONPath<JsonValue[]>({ path, json: value, eval: false, wrap: true });
  return matches.length === 1 ? matches[0]! : matches;
}
