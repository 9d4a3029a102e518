// Structural types for the @huggingface/jinja syntax tree (the package exports the parser, not the node classes).
import { parse, tokenize } from './jinja-engine.js';

export interface IdentifierNode {
  type: 'Identifier';
  value: string;
}

export interface CallExpressionNode {
  type: 'CallExpression';
  callee: TemplateNode;
  args: TemplateNode[];
}

/** Every node kind the engine's parser produces (0.5.x), with only the fields we read. */
export type TemplateNode =
  | { type: 'Program'; body: TemplateNode[] }
  | { type: 'If'; test: TemplateNode; body: TemplateNode[]; alternate: TemplateNode[] }
  | {
      type: 'For';
      loopvar: TemplateNode;
      iterable: TemplateNode;
      body: TemplateNode[];
      defaultBlock: TemplateNode[];
    }
  | { type: 'Set'; assignee: TemplateNode; value: TemplateNode | null; body: TemplateNode[] }
  | { type: 'Macro'; name: IdentifierNode; args: TemplateNode[]; body: TemplateNode[] }
  | {
      type: 'CallStatement';
      call: CallExpressionNode;
      callerArgs: TemplateNode[] | null;
      body: TemplateNode[];
    }
  | { type: 'FilterStatement'; filter: TemplateNode; body: TemplateNode[] }
  | { type: 'Comment' | 'Break' | 'Continue' }
  | { type: 'MemberExpression'; object: TemplateNode; property: TemplateNode; computed: boolean }
  | CallExpressionNode
  | IdentifierNode
  | { type: 'IntegerLiteral' | 'FloatLiteral'; value: number }
  | { type: 'StringLiteral'; value: string }
  | { type: 'ArrayLiteral' | 'TupleLiteral'; value: TemplateNode[] }
  | { type: 'ObjectLiteral'; value: Map<TemplateNode, TemplateNode> }
  | { type: 'BinaryExpression'; operator: { value: string }; left: TemplateNode; right: TemplateNode }
  | { type: 'FilterExpression'; operand: TemplateNode; filter: TemplateNode }
  | { type: 'SelectExpression'; lhs: TemplateNode; test: TemplateNode }
  | { type: 'TestExpression'; operand: TemplateNode; negate: boolean; test: IdentifierNode }
  | { type: 'UnaryExpression'; operator: { value: string }; argument: TemplateNode }
  | { type: 'SliceExpression'; start?: TemplateNode; stop?: TemplateNode; step?: TemplateNode }
  | { type: 'KeywordArgumentExpression'; key: IdentifierNode; value: TemplateNode }
  | { type: 'SpreadExpression' | 'KeywordSpreadExpression'; argument: TemplateNode }
  | { type: 'Ternary'; condition: TemplateNode; trueExpr: TemplateNode; falseExpr: TemplateNode };

export type ProgramNode = Extract<TemplateNode, { type: 'Program' }>;

/** The same preprocessing as ContextForge's environment (trim_blocks, lstrip_blocks). */
export const LEXER_OPTIONS = { trim_blocks: true, lstrip_blocks: true };

/** Parses with the engine; throws the engine's own errors. */
export function parseEngineProgram(template: string): ProgramNode {
  return parse(tokenize(template, LEXER_OPTIONS));
}

/** Direct children in source order, or undefined for a node kind this module does not know. */
export function childrenOf(node: TemplateNode): TemplateNode[] | undefined {
  const opt = (...nodes: (TemplateNode | null | undefined)[]): TemplateNode[] =>
    nodes.filter((n): n is TemplateNode => n != null);
  switch (node.type) {
    case 'Program':
      return node.body;
    case 'If':
      return [node.test, ...node.body, ...node.alternate];
    case 'For':
      return [node.loopvar, node.iterable, ...node.body, ...node.defaultBlock];
    case 'Set':
      return [node.assignee, ...opt(node.value), ...node.body];
    case 'Macro':
      return [node.name, ...node.args, ...node.body];
    case 'CallStatement':
      return [node.call, ...(node.callerArgs ?? []), ...node.body];
    case 'FilterStatement':
      return [node.filter, ...node.body];
    case 'Comment':
    case 'Break':
    case 'Continue':
    case 'Identifier':
    case 'IntegerLiteral':
    case 'FloatLiteral':
    case 'StringLiteral':
      return [];
    case 'MemberExpression':
      return [node.object, node.property];
    case 'CallExpression':
      return [node.callee, ...node.args];
    case 'ArrayLiteral':
    case 'TupleLiteral':
      return node.value;
    case 'ObjectLiteral':
      return [...node.value].flat();
    case 'BinaryExpression':
      return [node.left, node.right];
    case 'FilterExpression':
      return [node.operand, node.filter];
    case 'SelectExpression':
      return [node.lhs, node.test];
    case 'TestExpression':
      return [node.operand, node.test];
    case 'UnaryExpression':
    case 'SpreadExpression':
    case 'KeywordSpreadExpression':
      return [node.argument];
    case 'SliceExpression':
      return opt(node.start, node.stop, node.step);
    case 'KeywordArgumentExpression':
      return [node.key, node.value];
    case 'Ternary':
      return [node.trueExpr, node.condition, node.falseExpr];
    default:
      return undefined;
  }
}
