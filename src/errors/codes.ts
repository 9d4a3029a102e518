// The one table from an internal error code to its HTTP status and JSON-RPC error number.

export const ERROR_CODES = {
  BadRequest: { http: 400, rpc: -32600 },
  Invalid: { http: 422, rpc: -32602 },
  Unauthorized: { http: 401, rpc: -32001 },
  Forbidden: { http: 403, rpc: -32003 },
  NotFound: { http: 404, rpc: -32002 },
  MethodNotFound: { http: 404, rpc: -32601 },
  Conflict: { http: 409, rpc: -32009 },
  PayloadTooLarge: { http: 413, rpc: -32600 },
  RateLimited: { http: 429, rpc: -32029 },
  UpstreamFailed: { http: 502, rpc: -32050 },
  Unavailable: { http: 503, rpc: -32053 },
  Timeout: { http: 504, rpc: -32054 },
  Internal: { http: 500, rpc: -32603 },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code].http;
}

export function rpcCodeOf(code: ErrorCode): number {
  return ERROR_CODES[code].rpc;
}
