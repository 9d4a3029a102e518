// The import file and its entries, validated once here: ContextForge's shape, with our own fields when present.
import { z } from 'zod';
import { describeZodError } from '../errors/parse-with.js';
import { invalid } from '../errors/app-error.js';
import {
  LIMITS,
  descriptionSchema,
  jsonObjectSchema,
  nameSchema,
  stringMapSchema,
  tagsSchema,
} from '../registry/common/input.js';
import { PREFIX_MODES, TRANSPORTS } from '../registry/gateways/schema.js';
import { rootUriSchema } from '../registry/roots/schema.js';
import { ENTITY_TYPES, SECRETS_MODES, type EntityType } from './export-format.js';

/** ContextForge may write tags as {"id", "label"} objects. */
const tags = z
  .array(z.union([z.string(), z.object({ id: z.string().optional(), label: z.string().optional() })]))
  .transform((list) => list.map((t) => (typeof t === 'string' ? t : (t.id ?? t.label ?? ''))))
  .pipe(tagsSchema);

const audited = {
  id: z.string().min(1).max(64).optional(),
  is_active: z.boolean().optional(),
  tags: tags.optional(),
  created_at: z.string().max(64).optional(),
  updated_at: z.string().max(64).optional(),
  created_by: z.string().max(255).nullish(),
  modified_by: z.string().max(255).nullish(),
  version: z.number().int().min(1).optional(),
};

const sealed = { auth_type: z.string().max(32).nullish(), auth_value: z.string().max(65_536).nullish() };

export const toolEntrySchema = z.object({
  ...audited,
  ...sealed,
  name: z.string().min(1).max(LIMITS.toolName),
  displayName: z.string().max(LIMITS.name).nullish(),
  url: z.string().max(LIMITS.url).nullish(),
  integration_type: z.string().max(32).optional(),
  request_type: z.string().max(32).optional(),
  description: descriptionSchema.nullish(),
  headers: stringMapSchema.nullish(),
  input_schema: jsonObjectSchema.nullish(),
  output_schema: jsonObjectSchema.nullish(),
  annotations: jsonObjectSchema.nullish(),
  jsonpath_filter: z.string().max(1024).nullish(),
  timeout: z.number().positive().nullish(),
  custom_name: z.string().max(LIMITS.toolName).nullish(),
  registered_name: z.string().max(LIMITS.toolName).optional(),
  timeout_ms: z.number().int().min(1).max(3_600_000).nullish(),
  reachable: z.boolean().optional(),
});

export const resourceEntrySchema = z.object({
  ...audited,
  name: nameSchema(),
  uri: z.string().min(1).max(LIMITS.url),
  description: descriptionSchema.nullish(),
  mime_type: z.string().max(255).nullish(),
  uri_template: z.string().max(LIMITS.url).nullish(),
  content: z.string().optional(),
  content_encoding: z.enum(['text', 'base64']).optional(),
  size: z.number().int().min(0).nullish(),
});

const argument = z.object({
  name: nameSchema(),
  description: z.string().max(LIMITS.description).nullish(),
  required: z.boolean().optional(),
});

export const promptEntrySchema = z.object({
  ...audited,
  name: nameSchema(),
  template: z.string().max(LIMITS.template),
  description: descriptionSchema.nullish(),
  input_schema: z
    .object({
      properties: z
        .record(z.string(), z.object({ description: z.string().nullish() }).passthrough())
        .optional(),
      required: z.array(z.string()).optional(),
    })
    .nullish(),
  arguments: z.array(argument).max(100).optional(),
  original_name: z.string().max(LIMITS.name).optional(),
});

export const gatewayEntrySchema = z.object({
  ...audited,
  ...sealed,
  name: nameSchema(),
  url: z.string().min(1).max(LIMITS.url),
  description: descriptionSchema.nullish(),
  transport: z
    .string()
    .transform((s) => s.toUpperCase().replace(/[-_\s]/g, ''))
    .pipe(z.enum(TRANSPORTS))
    .optional(),
  passthrough_headers: z
    .union([z.array(z.string().max(128)).max(32), z.string().max(4096)])
    .transform((v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    )
    .nullish(),
  passthrough_auth: z.boolean().optional(),
  prefix_mode: z.enum(PREFIX_MODES).optional(),
  timeout_ms: z.number().int().min(1).max(3_600_000).nullish(),
  command: z.array(z.string().min(1).max(4096)).min(1).max(64).nullish(),
  capabilities: jsonObjectSchema.optional(),
  server_info: jsonObjectSchema.optional(),
  reachable: z.boolean().optional(),
  last_seen: z.string().max(64).nullish(),
  federated: z
    .object({
      tools: z.array(jsonObjectSchema).optional(),
      resources: z.array(jsonObjectSchema).optional(),
      prompts: z.array(jsonObjectSchema).optional(),
    })
    .optional(),
});

const refs = z.array(z.string().min(1).max(LIMITS.url)).max(1000);

export const serverEntrySchema = z.object({
  ...audited,
  name: nameSchema(),
  description: descriptionSchema.nullish(),
  icon: z.string().max(LIMITS.url).nullish(),
  tool_ids: refs.optional(),
  associated_tools: refs.optional(),
  resource_ids: refs.optional(),
  prompt_ids: refs.optional(),
});

export const rootEntrySchema = z.object({
  uri: rootUriSchema,
  name: nameSchema().nullish(),
  created_at: z.string().max(64).optional(),
});

export type ToolIn = z.output<typeof toolEntrySchema>;
export type ResourceIn = z.output<typeof resourceEntrySchema>;
export type PromptIn = z.output<typeof promptEntrySchema>;
export type GatewayIn = z.output<typeof gatewayEntrySchema>;
export type ServerIn = z.output<typeof serverEntrySchema>;
export type RootIn = z.output<typeof rootEntrySchema>;

const documentSchema = z.object({
  version: z.string().min(1, 'must not be empty'),
  exported_at: z.string().min(1, 'must not be empty'),
  entities: z.record(z.string(), z.array(jsonObjectSchema)),
  mcpgateway: z
    .object({ format: z.literal(1), secrets: z.enum(SECRETS_MODES), key_fingerprint: z.string().optional() })
    .optional(),
});

export type ImportDocument = Omit<z.output<typeof documentSchema>, 'entities'> & {
  entities: Partial<Record<EntityType, Array<Record<string, unknown>>>>;
};

/** The envelope; entries are checked one by one as they are imported, so each failure names its entry. */
export function parseDocument(raw: unknown): ImportDocument {
  const parsed = documentSchema.safeParse(raw);
  if (!parsed.success)
    throw invalid(describeZodError(parsed.error).replace('Invalid request', 'Invalid import_data'));
  const unknown = Object.keys(parsed.data.entities).filter(
    (k) => !(ENTITY_TYPES as readonly string[]).includes(k),
  );
  if (unknown.length > 0)
    throw invalid(
      `Invalid import_data: unknown entity type(s) ${unknown.join(', ')}: use ${ENTITY_TYPES.join(', ')}`,
    );
  return parsed.data;
}

/** One entry through its schema; the message names where it sits in the file. */
export function parseEntry<S extends z.ZodType>(schema: S, raw: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalid(describeZodError(parsed.error).replace('Invalid request', where));
  return parsed.data;
}
