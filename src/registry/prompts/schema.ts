// The prompt create/update input: validated once here from a snake_case record (the route unwrapped the body).
import { z } from 'zod';
import { parseWith } from '../../errors/parse-with.js';
import { LIMITS, descriptionSchema, nameSchema, tagsSchema } from '../common/input.js';
import type { PromptArgument } from './arguments.js';

const MAX_ARGUMENTS = 100;

const argumentSchema = z
  .object({
    name: nameSchema(),
    description: descriptionSchema.nullish(),
    required: z.boolean().optional(),
  })
  .transform((a): PromptArgument => ({
    name: a.name,
    ...(a.description == null ? {} : { description: a.description }),
    // MCP and ContextForge both default an argument to optional.
    required: a.required ?? false,
  }));

const argumentsSchema = z
  .array(argumentSchema)
  .max(MAX_ARGUMENTS, `at most ${MAX_ARGUMENTS} arguments`)
  .superRefine((args, ctx) => {
    const seen = new Set<string>();
    for (const arg of args) {
      if (seen.has(arg.name))
        ctx.addIssue({ code: 'custom', message: `argument "${arg.name}" is declared twice` });
      seen.add(arg.name);
    }
  });

const fields = {
  name: nameSchema(),
  description: descriptionSchema.nullish(),
  template: z.string().max(LIMITS.template, `must be at most ${LIMITS.template} characters`),
  /** Omitted: inferred from the template's free variables (all required). */
  arguments: argumentsSchema.optional(),
  tags: tagsSchema.optional(),
};

const promptCreateSchema = z.object(fields);
const promptUpdateSchema = z.object(fields).partial();

export type PromptCreate = z.output<typeof promptCreateSchema>;
/** Only the fields given change. */
export type PromptUpdate = z.output<typeof promptUpdateSchema>;

/** Unknown keys (ContextForge's team_id, visibility, …) are ignored. */
export const parsePromptCreate = (raw: Record<string, unknown>): PromptCreate =>
  parseWith(promptCreateSchema, raw);
export const parsePromptUpdate = (raw: Record<string, unknown>): PromptUpdate =>
  parseWith(promptUpdateSchema, raw);
