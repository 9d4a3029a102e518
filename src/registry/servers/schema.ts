// The virtual server create/update input: validated once here from a snake_case record (the route unwrapped the body).
import { z } from 'zod';
import { parseWith } from '../../errors/parse-with.js';
import {
  HTTP_SCHEMES,
  LIMITS,
  descriptionSchema,
  nameSchema,
  tagsSchema,
  urlSchema,
} from '../common/input.js';

const MAX_ASSOCIATIONS = 1000;

/**
 * Ids (or tool/prompt names, resource URIs) of associated entities: an array, or ContextForge's form value
 * "a,b,c". Duplicates collapse; null clears the association.
 */
const references = z
  .union([
    z.array(z.string().trim().min(1, 'must not be empty').max(LIMITS.url)).max(MAX_ASSOCIATIONS),
    z.string().max(MAX_ASSOCIATIONS * 64),
  ])
  .transform((v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : v,
  )
  .transform((refs) => [...new Set(refs)]);

const fields = {
  name: nameSchema(LIMITS.name),
  description: descriptionSchema.nullish(),
  icon: urlSchema(HTTP_SCHEMES).nullish(),
  tags: tagsSchema.optional(),
  associated_tools: references.nullish(),
  associated_resources: references.nullish(),
  associated_prompts: references.nullish(),
};

/** ContextForge lets a client choose the id (export/import keeps ids stable). */
const customId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
  .optional();

const serverCreateSchema = z.object({ ...fields, id: customId });
const serverUpdateSchema = z.object(fields).partial();

export type ServerCreate = z.output<typeof serverCreateSchema>;
/** Only the fields given change. */
export type ServerUpdate = z.output<typeof serverUpdateSchema>;

/** Unknown keys (ContextForge's team_id, visibility, …) are ignored. */
export const parseServerCreate = (raw: Record<string, unknown>): ServerCreate =>
  parseWith(serverCreateSchema, raw);
export const parseServerUpdate = (raw: Record<string, unknown>): ServerUpdate =>
  parseWith(serverUpdateSchema, raw);
