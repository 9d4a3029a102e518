// Renders one template synchronously under a deadline and an output cap; runs inside a render worker.
import { isAppError } from '../../../errors/app-error.js';
import { checkProgram, parseTemplate, rangeLength } from './check-template.js';
import { describeEngineError } from './locate-syntax-error.js';
import { Environment, Interpreter, type EngineEnvironment, type EngineValue } from './jinja-engine.js';
import { MAX_RANGE_ITEMS } from './template-limits.js';
import { toTemplateData } from './template-data.js';

export interface RenderLimits {
  /** Epoch milliseconds after which rendering stops. */
  deadline: number;
  /** Stated in the timeout message. */
  timeoutMs: number;
  maxOutputBytes: number;
}

/** Plain data, so it crosses the worker boundary without losing anything. */
export type RenderOutcome = { ok: true; text: string } | { ok: false; message: string };

class RenderTimeout extends Error {}

/** Checks the clock every 1024 evaluation steps: cheap, and stops loops long before the hard kill. */
class DeadlineInterpreter extends Interpreter {
  #steps = 0;
  readonly #deadline: number;

  constructor(env: EngineEnvironment, deadline: number) {
    super(env);
    this.#deadline = deadline;
  }

  override evaluate(statement: unknown, environment: EngineEnvironment): EngineValue {
    if ((++this.#steps & 1023) === 0 && Date.now() > this.#deadline) throw new RenderTimeout();
    return super.evaluate(statement, environment);
  }
}

/** Python's range(), refusing more than MAX_RANGE_ITEMS items before allocating any. */
function boundedRange(...args: unknown[]): number[] {
  const numbers = args.filter((a) => typeof a === 'number');
  if (
    numbers.length !== args.length ||
    numbers.length < 1 ||
    numbers.length > 3 ||
    !numbers.every(Number.isInteger)
  ) {
    throw new Error('range() takes 1 to 3 integers');
  }
  const [start = 0, , step = 1] = numbers.length === 1 ? [0] : numbers;
  if (step === 0) throw new Error('range() step must not be zero');
  const length = rangeLength(numbers);
  if (length > MAX_RANGE_ITEMS) {
    throw new Error(`range(${numbers.join(', ')}) would produce ${length} items (limit ${MAX_RANGE_ITEMS})`);
  }
  return Array.from({ length }, (_, i) => start + i * step);
}

/** The globals of the engine's own setupGlobals, with range() bounded. */
function globalScope(): EngineEnvironment {
  const env = new Environment();
  for (const [name, value] of [
    ['true', true],
    ['false', false],
    ['none', null],
    ['True', true],
    ['False', false],
    ['None', null],
  ] as const) {
    env.set(name, value);
  }
  env.set('range', boundedRange);
  env.set('raise_exception', (message: unknown) => {
    throw new Error(String(message));
  });
  return env;
}

function runtimeMessage(err: unknown): string {
  const text = describeEngineError(err)
    .replace(/\bUndefinedValue\b/g, 'an undefined value')
    .replace(/\b(String|Integer|Float|Boolean|Null|Object|Array|Tuple|Function)Value\b/g, (_, kind: string) =>
      kind.toLowerCase(),
    );
  const hint = text.includes('undefined value')
    ? " (a variable is not defined: pass it as an argument or give it a default, e.g. {{ x | default('') }})"
    : '';
  return `Template rendering failed: ${text}${hint}`;
}

export function renderTemplate(
  template: string,
  args: Record<string, unknown>,
  limits: RenderLimits,
): RenderOutcome {
  try {
    const program = parseTemplate(template);
    checkProgram(program);
    // Arguments live in a child scope so an argument named like a global shadows it instead of failing.
    const scope = new Environment(globalScope());
    for (const [name, value] of Object.entries(toTemplateData(args))) {
      scope.variables.delete(name);
      scope.set(name, value);
    }
    const result = new DeadlineInterpreter(scope, limits.deadline).run(program);
    const text = typeof result.value === 'string' ? result.value : String(result.value);
    // Length first: UTF-8 never has fewer bytes than UTF-16 code units, and byteLength would copy a huge string.
    if (text.length > limits.maxOutputBytes || Buffer.byteLength(text) > limits.maxOutputBytes) {
      return {
        ok: false,
        message: `Rendered prompt is larger than the limit of ${limits.maxOutputBytes} bytes`,
      };
    }
    return { ok: true, text };
  } catch (err) {
    if (err instanceof RenderTimeout) {
      return {
        ok: false,
        message: `Template rendering took longer than ${limits.timeoutMs} ms and was stopped`,
      };
    }
    if (isAppError(err)) return { ok: false, message: err.message };
    return { ok: false, message: runtimeMessage(err) };
  }
}
