// The root create body: an absolute URI (file:// or any other scheme) and an optional name.
import { z } from 'zod';
import { parseWith } from '../../errors/parse-with.js';
import { LIMITS, nameSchema } from '../common/input.js';

/** A scheme, a colon, and no whitespace: "file:///srv/data", "s3://bucket/prefix", "git://host/repo". */
export const rootUriSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(LIMITS.url, `must be at most ${LIMITS.url} characters`)
  .superRefine((value, ctx) => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(value);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || !/^[a-z][a-z0-9+.-]*:$/.test(parsed.protocol) || /\s/.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute URI such as file:///srv/data' });
    }
  });

const rootCreateSchema = z.object({
  uri: rootUriSchema,
  name: nameSchema(LIMITS.name).nullish(),
});

export type RootCreate = z.output<typeof rootCreateSchema>;

export const parseRootCreate = (raw: Record<string, unknown>): RootCreate => parseWith(rootCreateSchema, raw);
