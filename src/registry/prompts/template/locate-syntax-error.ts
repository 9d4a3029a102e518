// Finds where a template's syntax error is: the engine's parser reports what is wrong but never where.
import { parseEngineProgram } from './template-ast.js';

interface Tag {
  kind: 'expression' | 'statement' | 'comment';
  raw: string;
  /** Content between the delimiters, whitespace-control dashes removed. */
  inner: string;
  offset: number;
}

interface OpenBlock {
  keyword: string;
  tag: Tag;
}

/** Block tags and the tag that closes each. */
const BLOCKS = new Map([
  ['if', 'endif'],
  ['for', 'endfor'],
  ['macro', 'endmacro'],
  ['call', 'endcall'],
  ['filter', 'endfilter'],
  ['set', 'endset'],
]);
const CLOSERS = new Map([...BLOCKS].map(([open, close]) => [close, open]));
const SUPPORTED = 'if, elif, else, for, set, macro, call, filter, break, continue';

/** Engine token names as the author typed them. */
const TOKEN_TEXT = new Map([
  ['OpenStatement', '{%'],
  ['CloseStatement', '%}'],
  ['OpenExpression', '{{'],
  ['CloseExpression', '}}'],
  ['OpenParen', '('],
  ['CloseParen', ')'],
  ['OpenSquareBracket', '['],
  ['CloseSquareBracket', ']'],
  ['OpenCurlyBracket', '{'],
  ['CloseCurlyBracket', '}'],
  ['Comma', ','],
  ['Dot', '.'],
  ['Colon', ':'],
  ['Pipe', '|'],
  ['Equals', '='],
]);

export function describeEngineError(err: unknown): string {
  const message =
    err instanceof RangeError ? 'nested too deeply' : err instanceof Error ? err.message : String(err);
  return message.replace(/^Parser Error: /, '').replace(/\b[A-Z][A-Za-z]+\b/g, (word) => {
    const text = TOKEN_TEXT.get(word);
    return text === undefined ? word : `"${text}"`;
  });
}

export function lineAndColumn(source: string, offset: number): string {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

function at(source: string, tag: Tag, what: string): string {
  const shown = tag.raw.length > 60 ? `${tag.raw.slice(0, 57)}...` : tag.raw;
  return `Template syntax error at ${lineAndColumn(source, tag.offset)} in ${shown}: ${what}`;
}

/** Splits the source into tags the way the engine's lexer does (string literals may contain delimiters). */
function scanTags(source: string): Tag[] | string {
  const tags: Tag[] = [];
  const opener = /\{[{%#]/g;
  for (let match = opener.exec(source); match !== null; match = opener.exec(source)) {
    const start = match.index;
    const kind =
      source[start + 1] === '{' ? 'expression' : source[start + 1] === '%' ? 'statement' : 'comment';
    const close = kind === 'expression' ? '}}' : kind === 'statement' ? '%}' : '#}';
    let end = kind === 'comment' ? source.indexOf(close, start + 2) : -1;
    let quote = '';
    let depth = 0;
    for (let i = start + 2; kind !== 'comment' && i < source.length; i++) {
      const c = source[i];
      if (quote) {
        if (c === '\\') i++;
        else if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '{') depth++;
      else if (c === '}' && depth > 0) depth--;
      else if (source.startsWith(close, i)) {
        end = i;
        break;
      }
    }
    if (end < 0) {
      const why = quote ? ` (a ${quote}-quoted string inside it is never closed)` : '';
      return `Template syntax error at ${lineAndColumn(source, start)}: "${match[0]}" is never closed with "${close}"${why}`;
    }
    const raw = source.slice(start, end + 2);
    const inner = raw.slice(2, -2).replace(/^-/, '').replace(/-$/, '');
    tags.push({ kind, raw, inner, offset: start });
    opener.lastIndex = end + 2;
  }
  return tags;
}

function parseError(template: string): string | undefined {
  try {
    parseEngineProgram(template);
    return undefined;
  } catch (err) {
    return describeEngineError(err);
  }
}

/** Checks one statement tag in isolation and against the open blocks; returns an error or undefined. */
function checkStatement(source: string, tag: Tag, open: OpenBlock[]): string | undefined {
  const keyword = /^\s*(\w*)/.exec(tag.inner)?.[1] ?? '';
  const rest = tag.inner.trim().slice(keyword.length);
  const top = open.at(-1);
  const close = BLOCKS.get(keyword);
  if (keyword === 'set') {
    const alone = parseError(`{% ${tag.inner} %}`);
    if (alone === undefined) return undefined;
    if (parseError(`{% ${tag.inner} %}{% endset %}`) !== undefined) return at(source, tag, alone);
    open.push({ keyword, tag });
    return undefined;
  }
  if (close !== undefined) {
    const error = parseError(`{% ${tag.inner} %}{% ${close} %}`);
    if (error !== undefined) return at(source, tag, error);
    open.push({ keyword, tag });
    return undefined;
  }
  const opener = CLOSERS.get(keyword);
  if (opener !== undefined) {
    if (top?.keyword === opener) {
      open.pop();
      return undefined;
    }
    const expected =
      top === undefined ? 'nothing is open' : `expected {% ${BLOCKS.get(top.keyword)} %} for ${top.tag.raw}`;
    return at(source, tag, `{% ${keyword} %} does not close anything (${expected})`);
  }
  switch (keyword) {
    case 'elif': {
      if (top?.keyword !== 'if') return at(source, tag, '{% elif %} outside an {% if %} block');
      const error = parseError(`{% if ${rest} %}{% endif %}`);
      return error === undefined ? undefined : at(source, tag, error);
    }
    case 'else':
      if (top?.keyword !== 'if' && top?.keyword !== 'for')
        return at(source, tag, '{% else %} outside {% if %} or {% for %}');
      return rest.trim() === '' ? undefined : at(source, tag, '{% else %} takes nothing after it');
    case 'break':
    case 'continue': {
      const error = parseError(`{% ${tag.inner} %}`);
      return error === undefined ? undefined : at(source, tag, error);
    }
    case 'generation':
    case 'endgeneration':
      return undefined;
    default:
      return at(source, tag, `unknown tag "${keyword}" (supported: ${SUPPORTED})`);
  }
}

/** A message naming the first broken tag with its line and column, or undefined when no single tag is to blame. */
export function locateSyntaxError(source: string): string | undefined {
  const tags = scanTags(source);
  if (typeof tags === 'string') return tags;
  const open: OpenBlock[] = [];
  for (const tag of tags) {
    if (tag.kind === 'comment') continue;
    if (tag.kind === 'expression') {
      const error = parseError(`{{ ${tag.inner} }}`);
      if (error !== undefined) return at(source, tag, error);
      continue;
    }
    const error = checkStatement(source, tag, open);
    if (error !== undefined) return error;
  }
  const unclosed = open.at(-1);
  if (unclosed !== undefined) {
    return at(
      source,
      unclosed.tag,
      `the block is never closed (expected {% ${BLOCKS.get(unclosed.keyword)} %})`,
    );
  }
  return undefined;
}
