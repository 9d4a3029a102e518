// How a forwarded request failed, and the error the calling client sees for it.
import { ProtocolError, SdkError, SdkErrorCode, SdkHttpError } from '@modelcontextprotocol/client';
import { AppError, isAppError } from '../../errors/app-error.js';
import { JsonRpcError } from '../../mcp/protocol/json-rpc.js';

/**
 * - `protocol`: the upstream answered with a JSON-RPC error (it is alive; the error is passed through as is).
 * - `session-expired`: HTTP 404 for our upstream session id; the spec says to initialize a new session.
 * - `timeout`: no answer within the per-call timeout.
 * - `cancelled`: the calling client cancelled (or its session ended); nobody is waiting for an answer.
 * - `capacity`: refused on our side (every upstream session busy, too many stdio children, shutting down).
 * - `connection`: connecting failed, the connection or the process died, or the answer was not MCP.
 */
export type FailureKind =
  'protocol' | 'session-expired' | 'timeout' | 'cancelled' | 'capacity' | 'connection';

/** Marks an AppError's data as a refusal for lack of room here, which says nothing about the upstream's health. */
export const CAPACITY = Object.freeze({ capacity: true });

const isCapacity = (data: unknown): boolean =>
  typeof data === 'object' && data !== null && (data as { capacity?: unknown }).capacity === true;

export function classifyFailure(error: unknown, cancelled: boolean): FailureKind {
  if (cancelled) return 'cancelled';
  if (isAppError(error) && isCapacity(error.data)) return 'capacity';
  if (ProtocolError.isInstance(error)) return 'protocol';
  if (SdkHttpError.isInstance(error) && error.status === 404) return 'session-expired';
  if (SdkError.isInstance(error) && error.code === SdkErrorCode.RequestTimeout) return 'timeout';
  return 'connection';
}

/** Whether a failure of this kind says the upstream is unwell (and counts towards its circuit breaker). */
export const countsAgainstUpstream = (kind: FailureKind): boolean =>
  kind === 'timeout' || kind === 'connection';

export interface FailureContext {
  gateway: string;
  method: string;
  timeoutMs: number;
}

/** The error the calling client gets: the upstream's own JSON-RPC error, or a 502/503/504-class AppError. */
export function toClientError(error: unknown, kind: FailureKind, at: FailureContext): Error {
  switch (kind) {
    case 'protocol': {
      const e = error as ProtocolError;
      return new JsonRpcError(e.code, e.message, e.data);
    }
    case 'timeout':
      return new AppError({
        code: 'Timeout',
        message: `Gateway ${at.gateway} did not answer ${at.method} within ${at.timeoutMs} ms`,
      });
    case 'cancelled':
      return new AppError({ code: 'Unavailable', message: `${at.method} was cancelled` });
    case 'capacity':
    case 'session-expired':
    case 'connection':
      if (isAppError(error)) return error;
      return new AppError({
        code: 'UpstreamFailed',
        message: `Gateway ${at.gateway} failed during ${at.method}: ${error instanceof Error ? error.message : String(error)}`,
        cause: error,
      });
  }
}
