// parseWith: a zod schema applied to outside input; its issues become one readable 422 (AppError Invalid) message.
import type { ZodError, ZodType, z } from 'zod';
import { AppError } from './app-error.js';

export function describeZodError(error: ZodError): string {
  const parts = error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : 'body';
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '';
  return `Invalid request: ${parts.join('; ')}${more}`;
}

export function parseWith<S extends ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new AppError({ code: 'Invalid', message: describeZodError(result.error) });
  return result.data;
}
