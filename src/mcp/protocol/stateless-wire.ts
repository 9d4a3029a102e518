// The 2026-07-28 (stateless) wire rules: per-request envelope, standard headers, result encoding (no I/O).
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  LOG_LEVEL_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  SERVER_INFO_META_KEY,
  type ClientCapabilities,
  type Implementation,
  type LoggingLevel,
} from '@modelcontextprotocol/server';
import { HEADER_MISMATCH, isRecord, JsonRpcError, type JSONRPCRequest } from './json-rpc.js';

export interface Envelope {
  protocolVersion: string;
  clientInfo?: Implementation;
  clientCapabilities: ClientCapabilities;
  logLevel?: LoggingLevel;
}

/** Reads the `_meta` envelope the SDK's classifier already validated. */
export function envelopeOf(params: unknown): Envelope {
  const meta = isRecord(params) && isRecord(params._meta) ? params._meta : {};
  const version = meta[PROTOCOL_VERSION_META_KEY];
  const capabilities = meta[CLIENT_CAPABILITIES_META_KEY];
  const envelope: Envelope = {
    protocolVersion: typeof version === 'string' ? version : '',
    clientCapabilities: isRecord(capabilities) ? capabilities : {},
  };
  const info = meta[CLIENT_INFO_META_KEY];
  if (isRecord(info)) envelope.clientInfo = info as Implementation;
  const level = meta[LOG_LEVEL_META_KEY];
  if (typeof level === 'string') envelope.logLevel = level as LoggingLevel;
  return envelope;
}

export interface StandardHeaders {
  protocolVersion?: string;
  method?: string;
  name?: string;
}

/** The body field the `Mcp-Name` header must mirror, per method. */
const NAME_SOURCE = new Map([
  ['tools/call', 'name'],
  ['prompts/get', 'name'],
  ['resources/read', 'uri'],
]);

/**
 * SEP-2243: every stateless request carries MCP-Protocol-Version and Mcp-Method, and Mcp-Name for the
 * methods that name a target; a missing or disagreeing header is HTTP 400 with -32020. (The SDK's
 * classifier already rejects a disagreeing version or method; presence and Mcp-Name are checked here.)
 */
export function checkStandardHeaders(headers: StandardHeaders, request: JSONRPCRequest): void {
  const mismatch = (message: string): JsonRpcError => new JsonRpcError(HEADER_MISMATCH, message);
  if (headers.protocolVersion === undefined) throw mismatch('The MCP-Protocol-Version header is required');
  if (headers.method === undefined) throw mismatch('The Mcp-Method header is required');
  if (headers.method.trim() !== request.method)
    throw mismatch(`The Mcp-Method header names ${headers.method} but the body names ${request.method}`);
  const field = NAME_SOURCE.get(request.method);
  if (field === undefined) return;
  const bodyValue = isRecord(request.params) ? request.params[field] : undefined;
  if (typeof bodyValue !== 'string') return;
  if (headers.name === undefined) throw mismatch(`The Mcp-Name header is required for ${request.method}`);
  const named = decodeHeaderValue(headers.name.trim());
  if (named !== bodyValue)
    throw mismatch(
      `The Mcp-Name header names ${JSON.stringify(named)} but params.${field} is ${JSON.stringify(bodyValue)}`,
    );
}

/** Header values that are not plain ASCII travel as `=?base64?…?=` (SEP-2243). */
export function decodeHeaderValue(value: string): string | undefined {
  const match = /^=\?base64\?([A-Za-z0-9+/]*={0,2})\?=$/i.exec(value);
  if (match === null) return value.startsWith('=?') ? undefined : value;
  return Buffer.from(match[1] ?? '', 'base64').toString('utf8');
}

const CACHEABLE = new Set([
  'tools/list',
  'prompts/list',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'server/discover',
]);

/**
 * What a 2026-07-28 result carries beyond a 2025 one: `resultType`, cache fields on cacheable results
 * (0 ms, private: a registry edit must be visible on the next request), and our identity in `_meta`.
 */
export function encodeStatelessResult(
  method: string,
  result: Record<string, unknown>,
  serverInfo: Implementation,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...result, resultType: result.resultType ?? 'complete' };
  if (method === 'tools/list' && Array.isArray(out.tools))
    out.tools = out.tools.map((tool: unknown) => {
      if (!isRecord(tool) || !('execution' in tool)) return tool;
      const { execution: _dropped, ...rest } = tool;
      return rest;
    });
  if (CACHEABLE.has(method)) {
    out.ttlMs ??= 0;
    out.cacheScope ??= 'private';
  }
  const meta = isRecord(out._meta) ? out._meta : {};
  out._meta = { ...meta, [SERVER_INFO_META_KEY]: meta[SERVER_INFO_META_KEY] ?? serverInfo };
  return out;
}
