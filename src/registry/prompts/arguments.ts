// Prompt arguments: declared by the author or inferred from the template, and checked before rendering.
import { invalid } from '../../errors/app-error.js';
import { inferArguments } from './template/check-template.js';

export interface PromptArgument {
  name: string;
  description?: string;
  required: boolean;
}

/**
 * The declared arguments when the author gave any list (even an empty one: the author's word wins), otherwise
 * every free variable of the template, in order of first use; optional when the template copes without it
 * (`{% if topic %}`, `{{ style | default('plain') }}`), required otherwise.
 */
export function resolveArguments(declared: PromptArgument[] | undefined, template: string): PromptArgument[] {
  if (declared !== undefined) return declared;
  return inferArguments(template);
}

/** Throws AppError 'Invalid' (422) naming every required argument that is absent, undefined or null. */
export function checkArguments(declared: PromptArgument[], given: Record<string, unknown>): void {
  // hasOwn: a plain object "has" constructor and __proto__ through its prototype.
  const missing = declared
    .filter((arg) => arg.required && (!Object.hasOwn(given, arg.name) || given[arg.name] == null))
    .map((arg) => arg.name);
  if (missing.length > 0) {
    throw invalid(`Missing required argument(s): ${missing.join(', ')}`, { missing });
  }
}
