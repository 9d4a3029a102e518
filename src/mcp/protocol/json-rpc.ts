// JSON-RPC 2.0 for MCP: message shapes, wire errors (apart from internal AppErrors), and their mapping.
import { randomUUID } from 'node:crypto';
import type {
  JSONRPCErrorResponse,
  JSONRPCMessage,
  JSONRPCNotification,
  JSONRPCRequest,
  JSONRPCResponse,
  RequestId,
} from '@modelcontextprotocol/server';
import { isAppError } from '../../errors/app-error.js';
import { rpcCodeOf } from '../../errors/codes.js';

export type { JSONRPCMessage, JSONRPCNotification, JSONRPCRequest, JSONRPCResponse, RequestId };

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;
/** 2025 revisions: resources/read of an unknown URI. 2026-07-28 answers -32602 instead. */
export const RESOURCE_NOT_FOUND = -32002;
/** 2026-07-28: an MCP-Protocol-Version / Mcp-Method / Mcp-Name header disagrees with the body (SEP-2243). */
export const HEADER_MISMATCH = -32020;
/** 2026-07-28: the request names a protocol revision the server does not serve. */
export const UNSUPPORTED_PROTOCOL_VERSION = -32022;

/** A protocol-level error with its exact JSON-RPC code; `httpStatus` when a transport answers it over HTTP. */
export class JsonRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
    readonly httpStatus = 400,
  ) {
    super(message);
    this.name = 'JsonRpcError';
  }
}

export interface WireError {
  code: number;
  message: string;
  data?: unknown;
}

/**
 * The one mapping from anything thrown to a JSON-RPC error object. Unknown throwables become -32603
 * with an error id; `onInternal` receives the original (with its stack) for the log, never the client.
 */
export function toWireError(
  error: unknown,
  onInternal: (error: unknown, errorId: string) => void,
): WireError {
  if (error instanceof JsonRpcError) return withData(error.code, error.message, error.data);
  if (isAppError(error)) return withData(rpcCodeOf(error.code), error.message, error.data);
  const errorId = randomUUID();
  onInternal(error, errorId);
  return { code: INTERNAL_ERROR, message: 'Internal error', data: { errorId } };
}

function withData(code: number, message: string, data: unknown): WireError {
  return data === undefined ? { code, message } : { code, message, data };
}

export function errorResponse(id: RequestId | null, error: WireError): JSONRPCErrorResponse {
  // The SDK types the id as required; JSON-RPC answers unparseable requests with id null.
  return { jsonrpc: '2.0', id: id as RequestId, error };
}

export function resultResponse(id: RequestId, result: Record<string, unknown>): JSONRPCResponse {
  return { jsonrpc: '2.0', id, result };
}

export type MessageKind =
  | { kind: 'request'; message: JSONRPCRequest }
  | { kind: 'notification'; message: JSONRPCNotification }
  | { kind: 'response'; message: JSONRPCResponse }
  | { kind: 'invalid'; id: RequestId | null; reason: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isRequestId = (value: unknown): value is RequestId =>
  typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));

/** Sorts one decoded value into a JSON-RPC message kind, checking only the envelope (params are the handler's). */
export function classifyMessage(value: unknown): MessageKind {
  if (!isRecord(value) || value.jsonrpc !== '2.0')
    return { kind: 'invalid', id: null, reason: 'not a JSON-RPC 2.0 message' };
  const id = isRequestId(value.id) ? value.id : null;
  if (value.params !== undefined && !isRecord(value.params))
    return { kind: 'invalid', id, reason: 'params must be an object' };
  if (typeof value.method === 'string') {
    if (!('id' in value)) return { kind: 'notification', message: value as JSONRPCNotification };
    if (id === null) return { kind: 'invalid', id: null, reason: 'id must be a string or an integer' };
    return { kind: 'request', message: value as JSONRPCRequest };
  }
  if (id !== null && ('result' in value || isRecord(value.error)))
    return { kind: 'response', message: value as JSONRPCResponse };
  return { kind: 'invalid', id, reason: 'neither a request, a notification nor a response' };
}

/** Map key for a request id: 1 and "1" are different requests. */
export function idKey(id: RequestId): string {
  return `${typeof id}:${id}`;
}

export { isRecord };
