// AppError: the one error type services throw; routes and the MCP dispatcher map it through codes.ts.
import type { ErrorCode } from './codes.js';

export interface AppErrorInit {
  code: ErrorCode;
  message: string;
  data?: unknown;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly data: unknown;

  constructor(init: AppErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'AppError';
    this.code = init.code;
    this.data = init.data;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Shorthands so call sites read as sentences: `throw notFound('Tool', id)`. */
export const notFound = (kind: string, id: string): AppError =>
  new AppError({ code: 'NotFound', message: `${kind} not found: ${id}` });

export const conflict = (message: string, data?: unknown): AppError =>
  new AppError({ code: 'Conflict', message, data });

export const invalid = (message: string, data?: unknown): AppError =>
  new AppError({ code: 'Invalid', message, data });

export const badRequest = (message: string, data?: unknown): AppError =>
  new AppError({ code: 'BadRequest', message, data });
