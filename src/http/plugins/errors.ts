// Maps every thrown value to one response shape: {"detail", "code"} with the status from the error table.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { AppError, isAppError } from '../../errors/app-error.js';
import { httpStatusOf } from '../../errors/codes.js';
import { JsonInputError } from '../../lib/safe-json.js';
import { describeZodError } from '../../errors/parse-with.js';

/** Fastify's own errors that are the client's fault, by their code. */
const FASTIFY_CLIENT_ERRORS = new Map<string, AppError['code']>([
  ['FST_ERR_CTP_BODY_TOO_LARGE', 'PayloadTooLarge'],
  ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 'BadRequest'],
  ['FST_ERR_CTP_EMPTY_JSON_BODY', 'BadRequest'],
  ['FST_ERR_CTP_INVALID_CONTENT_LENGTH', 'BadRequest'],
  ['FST_ERR_VALIDATION', 'Invalid'],
]);

export function toAppError(error: unknown): AppError | undefined {
  if (isAppError(error)) return error;
  if (error instanceof ZodError) return new AppError({ code: 'Invalid', message: describeZodError(error) });
  if (error instanceof JsonInputError) return new AppError({ code: 'BadRequest', message: error.message });
  const fastifyCode = (error as Partial<FastifyError>).code;
  const mapped = fastifyCode === undefined ? undefined : FASTIFY_CLIENT_ERRORS.get(fastifyCode);
  if (mapped !== undefined) return new AppError({ code: mapped, message: (error as Error).message });
  return undefined;
}

export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  const challenge = (error.data as { wwwAuthenticate?: string | string[] } | undefined)?.wwwAuthenticate;
  if (error.code === 'Unauthorized' && challenge !== undefined) reply.header('www-authenticate', challenge);
  return reply.status(httpStatusOf(error.code)).send({ detail: error.message, code: error.code });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const known = toAppError(error);
    if (known !== undefined) {
      if (known.code === 'Internal') request.log.error({ err: error }, known.message);
      return sendError(reply, known);
    }
    // Wire errors are not internal errors: the stack goes to the log, the client gets the request id.
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .status(500)
      .send({ detail: `Internal server error (request id ${request.id})`, code: 'Internal' });
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new AppError({
        code: 'NotFound',
        message: `No route for ${request.method} ${request.url.split('?')[0]}`,
      }),
    ),
  );
}
