// The tool create/update body: validated once here, snake_case after normalizeBody().
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

export const toolCreateSchema = z.object(fields).passthrough();
export const toolUpdateSchema = z.object(fields).partial().passthrough();

export type ToolCreateInput = z.output<typeof toolCreateSchema>;
export type ToolUpdateInput = z.output<typeof toolUpdateSchema>;
