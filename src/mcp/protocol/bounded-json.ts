// Parses JSON text while refusing nesting past a depth limit, before any recursive code can see the value.
import { JsonRpcError, PARSE_ERROR } from './json-rpc.js';

export const MAX_JSON_DEPTH = 32;

/**
 * JSON.parse itself copes with 10,000 nested arrays, but everything after it (schema validation,
 * JSON.stringify of a response) recurses and overflows the stack. One linear scan counts open
 * brackets outside strings first, so a hostile body fails as a parse error, never a 500.
 */
export function parseBoundedJson(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth)
        throw new JsonRpcError(PARSE_ERROR, `Parse error: JSON nested deeper than ${maxDepth}`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new JsonRpcError(
      PARSE_ERROR,
      `Parse error: ${error instanceof Error ? error.message : 'invalid JSON'}`,
    );
  }
}
