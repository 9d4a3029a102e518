// Raw HTTP answers for the MCP endpoints (they write to the Node response themselves, for streaming).
import type { ServerResponse } from 'node:http';
import { isAppError } from '../../errors/app-error.js';
import { httpStatusOf } from '../../errors/codes.js';
import {
  errorResponse,
  JsonRpcError,
  toWireError,
  type JSONRPCMessage,
  type RequestId,
} from '../protocol/json-rpc.js';

export type Headers = Record<string, string | string[]>;

export interface InternalErrorLog {
  error(obj: unknown, msg?: string): void;
}

export function writeJson(res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** 202 with no body: a POST of notifications or responses only. */
export function writeAccepted(res: ServerResponse, headers: Headers = {}): void {
  res.writeHead(202, headers);
  res.end();
}

/**
 * Answers a failure before any JSON-RPC response was written, as a JSON-RPC error object with the
 * HTTP status of the error table (AppError) or the protocol rule (JsonRpcError).
 */
export function writeFailure(
  res: ServerResponse,
  error: unknown,
  log: InternalErrorLog,
  id: RequestId | null = null,
): void {
  const wire = toWireError(error, (cause, errorId) =>
    log.error({ err: cause, errorId }, 'MCP endpoint failed'),
  );
  const headers: Headers = {};
  let status = 500;
  if (error instanceof JsonRpcError) status = error.httpStatus;
  else if (isAppError(error)) {
    status = httpStatusOf(error.code);
    const challenge = (error.data as { wwwAuthenticate?: string | string[] } | undefined)?.wwwAuthenticate;
    if (error.code === 'Unauthorized' && challenge !== undefined) headers['www-authenticate'] = challenge;
  }
  writeJson(res, status, errorResponse(id, wire), headers);
}

/** JSON-RPC responses as one HTTP body: a single object, or an array for a batch. */
export function writeMessages(
  res: ServerResponse,
  messages: JSONRPCMessage[],
  batch: boolean,
  headers: Headers,
): void {
  writeJson(res, 200, batch ? messages : messages[0], headers);
}

export function headerOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
