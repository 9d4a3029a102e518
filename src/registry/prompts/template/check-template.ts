// Static checks on a prompt template: syntax with a location, constructs we refuse, and the arguments it reads.
import { invalid } from '../../../errors/app-error.js';
import { freeVariables, type FreeVariable } from './free-variables.js';
import { describeEngineError, locateSyntaxError } from './locate-syntax-error.js';
import { childrenOf, parseEngineProgram, type ProgramNode, type TemplateNode } from './template-ast.js';
import { MAX_RANGE_ITEMS, MAX_STATIC_LOOP_ITERATIONS } from './template-limits.js';

/** Parses, or throws AppError 'Invalid' saying what is wrong and where. */
export function parseTemplate(template: string): ProgramNode {
  try {
    return parseEngineProgram(template);
  } catch (err) {
    throw invalid(locateSyntaxError(template) ?? `Template syntax error: ${describeEngineError(err)}`);
  }
}

/** Throws AppError 'Invalid' for a syntax error or a construct we refuse to render. */
export function checkTemplate(template: string): void {
  checkProgram(parseTemplate(template));
}

/** Free variables in order of first use (not loop variables, not {% set %} names), each required or not. */
export function inferArguments(template: string): FreeVariable[] {
  return freeVariables(parseTemplate(template));
}

/** The refusals, on an already parsed template (the render worker calls this too). */
export function checkProgram(program: TemplateNode): void {
  visit(program, 1);
}

function visit(node: TemplateNode, loopIterations: number): void {
  if (node.type === 'CallExpression') checkRangeCall(node);
  if (node.type === 'For') {
    visit(node.iterable, loopIterations);
    const inner = loopIterations * (staticLength(node.iterable) ?? 1);
    if (inner > MAX_STATIC_LOOP_ITERATIONS) {
      throw invalid(
        `Template refused: nested loops would run ${inner} times (limit ${MAX_STATIC_LOOP_ITERATIONS}), ` +
          `at the loop over ${describe(node.iterable)}`,
      );
    }
    node.body.forEach((child) => visit(child, inner));
    node.defaultBlock.forEach((child) => visit(child, loopIterations));
    return;
  }
  const children = childrenOf(node);
  if (children === undefined) throw invalid(`Template refused: unsupported construct "${node.type}"`);
  children.forEach((child) => visit(child, loopIterations));
}

/** Integer literal arguments of range(...), or undefined when any argument is computed at render time. */
function literalRangeArgs(node: TemplateNode): number[] | undefined {
  if (node.type !== 'CallExpression' || node.callee.type !== 'Identifier' || node.callee.value !== 'range') {
    return undefined;
  }
  const values = node.args.map((a) => (a.type === 'IntegerLiteral' ? a.value : undefined));
  return values.every((v): v is number => v !== undefined) ? values : undefined;
}

export function rangeLength(args: readonly number[]): number {
  const [start, stop, step = 1] = args.length === 1 ? [0, args[0] ?? 0] : args;
  if (start === undefined || stop === undefined || step === 0) return 0;
  return Math.max(0, Math.ceil((stop - start) / step));
}

function checkRangeCall(node: TemplateNode): void {
  const args = literalRangeArgs(node);
  if (args === undefined) return;
  const length = rangeLength(args);
  if (length > MAX_RANGE_ITEMS) {
    throw invalid(
      `Template refused: range(${args.join(', ')}) would produce ${length} items (limit ${MAX_RANGE_ITEMS})`,
    );
  }
}

/** Length of a loop's iterable when the template states it literally. */
function staticLength(iterable: TemplateNode): number | undefined {
  const args = literalRangeArgs(iterable);
  if (args !== undefined) return rangeLength(args);
  if (iterable.type === 'ArrayLiteral' || iterable.type === 'TupleLiteral') return iterable.value.length;
  return undefined;
}

function describe(iterable: TemplateNode): string {
  const args = literalRangeArgs(iterable);
  return args === undefined ? 'a literal list' : `range(${args.join(', ')})`;
}
