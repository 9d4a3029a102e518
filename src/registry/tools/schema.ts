// The tool create/update input: validated once here from a snake_case record (the route unwrapped the body).
import { z } from 'zod';
import {
  HTTP_SCHEMES,
  LIMITS,
  descriptionSchema,
  jsonObjectSchema,
  nameSchema,
  stringMapSchema,
  tagsSchema,
  urlSchema,
} from '../common/input.js';
import { parseWith } from '../../errors/parse-with.js';
import type { UpstreamAuth } from '../../runtime/credentials.js';
import { parseUpstreamAuth } from '../common/upstream-auth.js';

/** MCP tool names (spec 2025-11-25): letters, digits, underscore, hyphen and dot. */
export const toolNameSchema = nameSchema(LIMITS.toolName).regex(
  /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/,
  'may contain letters, digits, _ - . and must not start with - or .',
);

const requestType = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']));

const jsonSchemaObject = jsonObjectSchema.refine((s) => s.type === undefined || s.type === 'object', {
  message: 'input_schema must be a JSON Schema with "type": "object"',
});

const fields = {
  name: toolNameSchema,
  display_name: nameSchema().nullish(),
  url: urlSchema(HTTP_SCHEMES),
  description: descriptionSchema.nullish(),
  integration_type: z.enum(['REST', 'MCP']).optional(),
  request_type: requestType.optional(),
  headers: stringMapSchema.nullish(),
  input_schema: jsonSchemaObject.nullish(),
  output_schema: jsonObjectSchema.nullish(),
  annotations: jsonObjectSchema.nullish(),
  jsonpath_filter: z.string().max(1024).nullish(),
  timeout_ms: z.number().int().min(1).max(3_600_000).nullish(),
  tags: tagsSchema.optional(),
};

const toolCreateSchema = z.object(fields);
const toolUpdateSchema = z.object(fields).partial();

/** A new REST tool; `auth` null means none. */
export type ToolCreate = z.output<typeof toolCreateSchema> & { auth: UpstreamAuth | null };
/** Only the fields given change; `auth` undefined keeps the stored credentials, null removes them. */
export type ToolUpdate = z.output<typeof toolUpdateSchema> & { auth?: UpstreamAuth | null };

/** Unknown keys (ContextForge's team_id, visibility, …) are ignored. */
export function parseToolCreate(raw: Record<string, unknown>): ToolCreate {
  return { ...parseWith(toolCreateSchema, raw), auth: parseUpstreamAuth(raw) ?? null };
}

export function parseToolUpdate(raw: Record<string, unknown>): ToolUpdate {
  const auth = parseUpstreamAuth(raw);
  return { ...parseWith(toolUpdateSchema, raw), ...(auth === undefined ? {} : { auth }) };
}
