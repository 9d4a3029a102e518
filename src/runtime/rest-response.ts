// Reading an upstream REST response: a size-capped body, JSON detection, and the MCP CallToolResult shapes.
import type { CallToolResult } from '@modelcontextprotocol/server';
import { jsonDepth } from './json-bounds.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface CappedBody {
  bytes: Buffer;
  /** True when the body was longer than the limit and reading stopped there. */
  truncated: boolean;
}

/** JSON nested deeper than this is passed on as text: re-serialising it downstream would overflow the stack. */
const MAX_STRUCTURED_DEPTH = 128;

interface ResponseBody extends AsyncIterable<unknown> {
  destroy(error?: Error): unknown;
}

/** Reads at most `limit` bytes, then drops the rest of the stream (and so the connection). */
export async function readCappedBody(body: ResponseBody, limit: number): Promise<CappedBody> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    if (total + buffer.length > limit) {
      chunks.push(buffer.subarray(0, limit - total));
      body.destroy();
      return { bytes: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(buffer);
    total += buffer.length;
  }
  return { bytes: Buffer.concat(chunks), truncated: false };
}

/** The parsed body when it is JSON by content type or by shape (some upstreams label JSON as text/plain). */
export function parseJsonBody(text: string, contentType: string | undefined): JsonValue | undefined {
  const declared = contentType !== undefined && /[/+]json\b/i.test(contentType);
  const trimmed = text.trimStart();
  if (!declared && !trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    const value = JSON.parse(text) as JsonValue;
    return jsonDepth(value, MAX_STRUCTURED_DEPTH) > MAX_STRUCTURED_DEPTH ? undefined : value;
  } catch {
    return undefined;
  }
}

export function errorResult(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

/** MCP wants structuredContent to be an object: other JSON values are wrapped as `{ result }`. */
export function successResult(text: string, structured?: JsonValue): CallToolResult {
  const result: CallToolResult = { content: [{ type: 'text', text }] };
  if (structured !== undefined) {
    result.structuredContent =
      structured !== null && typeof structured === 'object' && !Array.isArray(structured)
        ? structured
        : { result: structured };
  }
  return result;
}

/** A one-line excerpt of an error body for the message the caller sees. */
export function excerpt(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
