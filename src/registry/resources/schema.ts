// The resource create/update input: validated once here from a snake_case record (the route unwrapped the body).
import { z } from 'zod';
import { parseWith } from '../../errors/parse-with.js';
import { LIMITS, descriptionSchema, nameSchema, tagsSchema } from '../common/input.js';
import { UriTemplateError, parseUriTemplate } from './uri-template.js';

// RFC 3986 §3: scheme ":" then only unreserved, reserved and pct-encoded characters.
const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const URI_CHARS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;

/** Any scheme (file:, config:, docs:, https:, ...), as MCP resources use them; no spaces, no raw non-ASCII. */
export const resourceUriSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(LIMITS.url, `must be at most ${LIMITS.url} characters`)
  .superRefine((value, ctx) => {
    if (!URI_SCHEME.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be an absolute URI with a scheme, such as file:///notes.txt',
      });
    } else if (!URI_CHARS.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message: 'may contain only URI characters (RFC 3986): percent-encode spaces, quotes and non-ASCII',
      });
    }
  });

const uriTemplateSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(LIMITS.url, `must be at most ${LIMITS.url} characters`)
  .superRefine((value, ctx) => {
    try {
      parseUriTemplate(value);
    } catch (error) {
      if (!(error instanceof UriTemplateError)) throw error;
      ctx.addIssue({ code: 'custom', message: `is not an RFC 6570 template: ${error.message}` });
    }
  });

const mimeTypeSchema = z
  .string()
  .trim()
  .max(255, 'must be at most 255 characters')
  .regex(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, 'must be a media type such as text/plain or image/png');

const fields = {
  uri: resourceUriSchema,
  name: nameSchema(),
  description: descriptionSchema.nullish(),
  mime_type: mimeTypeSchema.nullish(),
  uri_template: uriTemplateSchema.nullish(),
  /** Text, or base64 when content_encoding is "base64" (binary resources). */
  content: z.string().optional(),
  content_encoding: z.enum(['text', 'base64']).optional(),
  tags: tagsSchema.optional(),
};

const resourceCreateSchema = z.object(fields);
const resourceUpdateSchema = z.object(fields).partial();

export type ResourceCreate = z.output<typeof resourceCreateSchema>;
/** Only the fields given change. */
export type ResourceUpdate = z.output<typeof resourceUpdateSchema>;

/** Unknown keys (ContextForge's team_id, visibility, …) are ignored. */
export const parseResourceCreate = (raw: Record<string, unknown>): ResourceCreate =>
  parseWith(resourceCreateSchema, raw);
export const parseResourceUpdate = (raw: Record<string, unknown>): ResourceUpdate =>
  parseWith(resourceUpdateSchema, raw);
