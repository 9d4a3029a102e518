// The prompt create/update body: validated once here, snake_case after normalizeBody().
import { z } from 'zod';
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

export const promptCreateSchema = z.object(fields).passthrough();
export const promptUpdateSchema = z.object(fields).partial().passthrough();

export type PromptCreateInput = z.output<typeof promptCreateSchema>;
export type PromptUpdateInput = z.output<typeof promptUpdateSchema>;
