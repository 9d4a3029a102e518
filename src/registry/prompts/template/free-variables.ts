// The variables a template reads but never binds itself: the arguments a prompt needs.
import { childrenOf, type TemplateNode } from './template-ast.js';

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

/** Free variables in order of first use; loop variables, {% set %} names and macro parameters are bound. */
export function freeVariables(program: TemplateNode): string[] {
  const found = new Set<string>();
  const scopes: Set<string>[] = [new Set()];

  const isBound = (name: string): boolean => ENGINE_GLOBALS.has(name) || scopes.some((s) => s.has(name));
  const use = (name: string): void => {
    if (!isBound(name)) found.add(name);
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
      case 'MemberExpression':
        visit(node.object);
        if (node.computed) visit(node.property);
        return;
      case 'FilterExpression':
        visit(node.operand);
        // The filter's name is not a variable; its arguments are.
        if (node.filter.type === 'CallExpression') visitAll(node.filter.args);
        return;
      case 'FilterStatement':
        if (node.filter.type === 'CallExpression') visitAll(node.filter.args);
        visitAll(node.body);
        return;
      case 'TestExpression':
        visit(node.operand);
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
  return [...found];
}
