// Replaces Fastify's JSON parser: depth-limited, prototype-key-free parsing for every JSON body.
import type { FastifyInstance } from 'fastify';
import { JsonInputError, parseJsonSafely } from '../../lib/safe-json.js';
import { AppError } from '../../errors/app-error.js';

export function registerJsonBodyParser(app: FastifyInstance, maxDepth: number): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    /^application\/([\w.+-]+\+)?json/,
    { parseAs: 'string' },
    (_request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim().length === 0) return done(null, undefined);
      try {
        done(null, parseJsonSafely(text, maxDepth));
      } catch (error) {
        const message = error instanceof JsonInputError ? error.message : String(error);
        done(new AppError({ code: 'BadRequest', message }), undefined);
      }
    },
  );
}
