// Query strings of /tags and /tags/{name}/entities.
import { z } from 'zod';
import { TAGGABLE } from '../../store/repos/tags.js';

const boolParam = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** `entity_types=tools,servers` (singular names accepted too); absent or empty means all five. */
const entityTypes = z
  .string()
  .max(256)
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s.length > 0)
      .map((s) => (s.endsWith('s') ? s : `${s}s`)),
  )
  .pipe(z.array(z.enum(TAGGABLE)))
  .transform((types) => (types.length === 0 ? [...TAGGABLE] : [...new Set(types)]));

export const tagsQuerySchema = z.object({
  entity_types: entityTypes,
  include_entities: boolParam.optional().default(false),
});

export const tagEntitiesQuerySchema = z.object({ entity_types: entityTypes });

export const tagParamsSchema = z.object({ name: z.string().min(1).max(64) });
