// The variables a template reads but never binds itself: the arguments a prompt needs, and which of them it can do without.
import { childrenOf, type TemplateNode } from './template-ast.js';

export interface FreeVariable {
  name: string;
  /**
   * False when every read tolerates an undefined value: a truth test (`{% if x %}`, `x if c else y`), a
   * `default` filter, an `is defined` test, or a read under an `if` that only passes when the name is set.
   */
  required: boolean;
}

/** Names the engine defines for every render; reading them does not make an argument. */
const ENGINE_GLOBALS = new Set([
  'true',
  'false',
  'none',
  'True',
  'False',
  'None',
  'range',
  'namespace',
  'raise_exception',
]);

/** Names the filter or test treats an undefined operand as a value, not an error. */
const DEFAULT_FILTERS = new Set(['default']);
const DEFINED_TESTS = new Set(['defined', 'undefined']);

/** Free variables in order of first use; loop variables, {% set %} names and macro parameters are bound. */
export function freeVariables(program: TemplateNode): FreeVariable[] {
  /** Name → required. */
  const found = new Map<string, boolean>();
  const scopes: Set<string>[] = [new Set()];
  /** Names known to be set where the visit is: the enclosing ifs' and ternaries' tests passed for them. */
  const known: Set<string>[] = [];

  const isBound = (name: string): boolean => ENGINE_GLOBALS.has(name) || scopes.some((s) => s.has(name));
  const use = (name: string, tolerant = false): void => {
    if (isBound(name)) return;
    const required = !tolerant && !known.some((k) => k.has(name));
    found.set(name, (found.get(name) ?? false) || required);
  };
  const bindName = (name: string): void => {
    scopes[scopes.length - 1]?.add(name);
  };
  const inScope = (names: string[], body: () => void): void => {
    scopes.push(new Set(names));
    body();
    scopes.pop();
  };
  const visitAll = (nodes: readonly TemplateNode[]): void => nodes.forEach(visit);
  const whenSet = (names: Set<string>, body: () => void): void => {
    known.push(names);
    body();
    known.pop();
  };

  /** A read of `x`, `x.y` or `x[k]` whose value may be undefined (the engine reads through a missing `x`). */
  function readTolerant(node: TemplateNode): void {
    if (node.type === 'Identifier') use(node.value, true);
    else if (node.type === 'MemberExpression') {
      readTolerant(node.object);
      if (node.computed) visit(node.property);
    } else visit(node);
  }

  /** A truth test: an undefined operand of `not`, `and`, `or` or the test itself is just false. */
  function truthTest(node: TemplateNode): void {
    if (node.type === 'UnaryExpression' && node.operator.value === 'not') truthTest(node.argument);
    else if (node.type === 'BinaryExpression' && LOGICAL.has(node.operator.value)) {
      truthTest(node.left);
      truthTest(node.right);
    } else readTolerant(node);
  }

  /** An assignment target: names are bound, `ns.attr` reads `ns`. */
  function bind(target: TemplateNode): void {
    if (target.type === 'Identifier') bindName(target.value);
    else if (target.type === 'TupleLiteral' || target.type === 'ArrayLiteral') target.value.forEach(bind);
    else visit(target);
  }

  /** Macro and caller parameters: defaults are read, names are bound in the body. */
  function parameters(params: readonly TemplateNode[]): string[] {
    const names: string[] = [];
    for (const p of params) {
      if (p.type === 'Identifier') names.push(p.value);
      else if (p.type === 'KeywordArgumentExpression') {
        visit(p.value);
        names.push(p.key.value);
      }
    }
    return names;
  }

  function visit(node: TemplateNode): void {
    switch (node.type) {
      case 'Identifier':
        use(node.value);
        return;
      case 'For': {
        const iterable = node.iterable;
        const source = iterable.type === 'SelectExpression' ? iterable.lhs : iterable;
        visit(source);
        inScope(['loop'], () => {
          bind(node.loopvar);
          if (iterable.type === 'SelectExpression') visit(iterable.test);
          visitAll(node.body);
        });
        visitAll(node.defaultBlock);
        return;
      }
      case 'Set':
        if (node.value !== null) visit(node.value);
        else inScope([], () => visitAll(node.body));
        bind(node.assignee);
        return;
      case 'Macro': {
        bindName(node.name.value);
        const names = parameters(node.args);
        inScope([...names, 'caller', 'varargs', 'kwargs'], () => visitAll(node.body));
        return;
      }
      case 'CallStatement': {
        visit(node.call);
        const names = parameters(node.callerArgs ?? []);
        inScope(names, () => visitAll(node.body));
        return;
      }
      case 'If':
        truthTest(node.test);
        whenSet(setWhen(node.test, true), () => visitAll(node.body));
        whenSet(setWhen(node.test, false), () => visitAll(node.alternate));
        return;
      case 'Ternary':
        truthTest(node.condition);
        whenSet(setWhen(node.condition, true), () => visit(node.trueExpr));
        whenSet(setWhen(node.condition, false), () => visit(node.falseExpr));
        return;
      case 'MemberExpression':
        visit(node.object);
        if (node.computed) visit(node.property);
        return;
      case 'FilterExpression':
        if (DEFAULT_FILTERS.has(filterName(node.filter))) readTolerant(node.operand);
        else visit(node.operand);
        // The filter's name is not a variable; its arguments are.
        if (node.filter.type === 'CallExpression') visitAll(node.filter.args);
        return;
      case 'FilterStatement':
        if (node.filter.type === 'CallExpression') visitAll(node.filter.args);
        visitAll(node.body);
        return;
      case 'TestExpression':
        if (DEFINED_TESTS.has(node.test.value)) readTolerant(node.operand);
        else visit(node.operand);
        return;
      case 'KeywordArgumentExpression':
        visit(node.value);
        return;
      default:
        // Kinds without binding rules: their children in source order.
        visitAll(childrenOf(node) ?? []);
    }
  }

  visit(program);
  return [...found].map(([name, required]) => ({ name, required }));
}

const LOGICAL = new Set(['and', 'or']);

function filterName(filter: TemplateNode): string {
  if (filter.type === 'Identifier') return filter.value;
  if (filter.type === 'CallExpression' && filter.callee.type === 'Identifier') return filter.callee.value;
  return '';
}

/** The root name of `x`, `x.y`, `x[k]`, or undefined for any other expression. */
function rootName(node: TemplateNode): string | undefined {
  if (node.type === 'Identifier') return node.value;
  return node.type === 'MemberExpression' ? rootName(node.object) : undefined;
}

/** Names certainly set (defined and truthy, or passing `is defined`) when `test` evaluates to `outcome`. */
function setWhen(test: TemplateNode, outcome: boolean): Set<string> {
  if (test.type === 'UnaryExpression' && test.operator.value === 'not')
    return setWhen(test.argument, !outcome);
  if (test.type === 'BinaryExpression' && LOGICAL.has(test.operator.value)) {
    const left = setWhen(test.left, outcome);
    const right = setWhen(test.right, outcome);
    // `a and b` true, or `a or b` false, says something of both sides; otherwise only of what both share.
    const both = (test.operator.value === 'and') === outcome;
    return both ? new Set([...left, ...right]) : new Set([...left].filter((n) => right.has(n)));
  }
  if (test.type === 'TestExpression' && test.test.value === 'defined') {
    const name = rootName(test.operand);
    return name !== undefined && outcome !== test.negate ? new Set([name]) : new Set();
  }
  const name = outcome ? rootName(test) : undefined;
  return name === undefined ? new Set() : new Set([name]);
}
