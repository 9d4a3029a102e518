// Minimal JSON-RPC 2.0 shapes and guards the bridges need to route messages without interpreting MCP methods.
import { rpcCodeOf, type ErrorCode } from '../errors/codes.js';

export type RpcId = string | number;
export type RpcParams = Record<string, unknown>;

export interface RpcRequest {
  jsonrpc: '2.0';
  id: RpcId;
  method: string;
  params?: RpcParams;
}
export interface RpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: RpcParams;
}
export interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}
export interface RpcResponse {
  jsonrpc: '2.0';
  id: RpcId;
  result?: unknown;
  error?: RpcError;
}
export type RpcMessage = RpcRequest | RpcNotification | RpcResponse;

/** Nesting beyond this is refused before anything walks it recursively (ours, the SDK's or the child's). */
export const MAX_JSON_DEPTH = 64;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is RpcId =>
  typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

/** Narrows a parsed value to a JSON-RPC message, or undefined when it is not one (ids of `null` included). */
export function asRpcMessage(value: unknown): RpcMessage | undefined {
  if (!isObject(value) || value.jsonrpc !== '2.0') return undefined;
  if (value.params !== undefined && !isObject(value.params)) return undefined;
  if (typeof value.method === 'string') {
    if (value.id === undefined) return value as unknown as RpcNotification;
    return isId(value.id) ? (value as unknown as RpcRequest) : undefined;
  }
  if (!isId(value.id)) return undefined;
  if ('result' in value) return value as unknown as RpcResponse;
  if (isObject(value.error) && typeof value.error.code === 'number') return value as unknown as RpcResponse;
  return undefined;
}

export const isRequest = (m: RpcMessage): m is RpcRequest => 'method' in m && 'id' in m;
export const isNotification = (m: RpcMessage): m is RpcNotification => 'method' in m && !('id' in m);
export const isResponse = (m: RpcMessage): m is RpcResponse => !('method' in m);

/** A Map key that keeps `1` and `"1"` apart, as JSON-RPC does. */
export const idKey = (id: RpcId): string => `${typeof id === 'number' ? 'n' : 's'}:${id}`;

/** True when `value` nests objects/arrays deeper than `max`; iterative so hostile input cannot overflow the stack. */
export function exceedsDepth(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/** The JSON-RPC error answer for request `id`, numbered through the one error table. */
export function errorResponse(id: RpcId, code: ErrorCode, message: string): RpcResponse {
  return { jsonrpc: '2.0', id, error: { code: rpcCodeOf(code), message } };
}
