// Decodes a JSON-RPC body with the gateway's bounded parser, failing as a JSON-RPC parse error (no I/O).
import { JsonInputError, parseJsonSafely } from '../../lib/safe-json.js';
import { JsonRpcError, PARSE_ERROR } from './json-rpc.js';

/** The deepest nesting an MCP message may have: past it, parsing stops before anything recursive runs. */
export const MAX_MESSAGE_DEPTH = 32;

export function parseMessageText(text: string): unknown {
  if (text.trim() === '') throw new JsonRpcError(PARSE_ERROR, 'Parse error: empty body');
  try {
    return parseJsonSafely(text, MAX_MESSAGE_DEPTH);
  } catch (error) {
    const reason = error instanceof JsonInputError ? error.message : 'invalid JSON';
    throw new JsonRpcError(PARSE_ERROR, `Parse error: ${reason}`);
  }
}
