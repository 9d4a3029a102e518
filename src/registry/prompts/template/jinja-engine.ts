// Typed view of @huggingface/jinja. Its bundled .d.ts files import "./runtime" without an extension, which
// NodeNext cannot resolve, so every export arrives as `any`; these are the parts we use, typed once here.
import * as jinja from '@huggingface/jinja';
import type { ProgramNode } from './template-ast.js';

/** A runtime value of the engine (StringValue, ObjectValue, ...). */
export interface EngineValue {
  type: string;
  value: unknown;
}

export interface EngineEnvironment {
  readonly variables: Map<string, EngineValue>;
  /** Declares a variable, converting a JavaScript value (functions become callable from the template). */
  set(name: string, value: unknown): EngineValue;
}

export interface EngineInterpreter {
  run(program: ProgramNode): EngineValue;
  evaluate(statement: unknown, environment: EngineEnvironment): EngineValue;
}

export interface LexerOptions {
  trim_blocks: boolean;
  lstrip_blocks: boolean;
}

export const tokenize = jinja.tokenize as (source: string, options: LexerOptions) => unknown[];
/** The one place the engine's tree is viewed through our structural node types. */
export const parse = jinja.parse as (tokens: unknown[]) => ProgramNode;
export const Environment = jinja.Environment as new (parent?: EngineEnvironment) => EngineEnvironment;
export const Interpreter = jinja.Interpreter as new (env: EngineEnvironment) => EngineInterpreter;
