// Field schemas shared by every create/update input: names, descriptions, URLs, tags, JSON objects.
import { z } from 'zod';

export const LIMITS = {
  name: 255,
  toolName: 128,
  description: 8 * 1024,
  template: 64 * 1024,
  url: 2048,
  tag: 64,
  tags: 50,
} as const;

export const nameSchema = (max: number = LIMITS.name) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine(
      (s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c === '<' || c === '>'),
      'must not contain control characters or < >',
    );

export const descriptionSchema = z
  .string()
  .max(LIMITS.description, `must be at most ${LIMITS.description} characters`);

const ALLOWED_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:']);

export const urlSchema = (schemes: ReadonlySet<string> = ALLOWED_SCHEMES) =>
  z
    .string()
    .trim()
    .max(LIMITS.url, `must be at most ${LIMITS.url} characters`)
    .superRefine((value, ctx) => {
      let parsed: URL;
      try {
        parsed = new URL(value);
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'must be an absolute URL such as https://api.example.com/path',
        });
        return;
      }
      if (!schemes.has(parsed.protocol)) {
        ctx.addIssue({
          code: 'custom',
          message: `scheme must be one of ${[...schemes].map((s) => s.slice(0, -1)).join(', ')}`,
        });
      }
    });

export const HTTP_SCHEMES: ReadonlySet<string> = new Set(['http:', 'https:']);

/** Tags are normalized (trimmed, lower-case, de-duplicated) so that filtering is exact. */
export const tagsSchema = z
  .array(
    z
      .string()
      .trim()
      .toLowerCase()
      .min(1)
      .max(LIMITS.tag, `tags must be at most ${LIMITS.tag} characters`)
      .regex(/^[a-z0-9][a-z0-9_.:-]*$/, 'tags may contain letters, digits and _ . : - only'),
  )
  .max(LIMITS.tags, `at most ${LIMITS.tags} tags`)
  .transform((tags) => [...new Set(tags)]);

export const jsonObjectSchema = z.record(z.string(), z.unknown());

export const stringMapSchema = z.record(z.string().min(1).max(256), z.string().max(8192));
