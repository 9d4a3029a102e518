// RFC 6570 URI templates: syntax check, variable names, and matching a concrete URI back to its variables.

export type Operator = '' | '+' | '#' | '.' | '/' | ';' | '?' | '&';

export interface VarSpec {
  name: string;
  explode: boolean;
}

export type TemplatePart =
  { kind: 'literal'; text: string } | { kind: 'expression'; operator: Operator; vars: VarSpec[] };

export class UriTemplateError extends Error {
  override name = 'UriTemplateError';
}

const OPERATORS = new Set<string>(['+', '#', '.', '/', ';', '?', '&']);
/** §2.2: reserved for future extensions, so a template using them is refused rather than guessed at. */
const RESERVED_OPERATORS = new Set<string>(['=', ',', '!', '@', '|']);
// §2.1: any character except CTL, SP, " ' % < > \ ^ ` { | } (a % only as a pct-encoded triplet).
const LITERAL_EXCLUDED = /["'%<>\\^`{|}]/;
const PCT_ENCODED = /%[0-9A-Fa-f]{2}/g;

function isLiteral(text: string): boolean {
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code <= 0x20 || code === 0x7f) return false;
  }
  return !LITERAL_EXCLUDED.test(text.replace(PCT_ENCODED, ''));
}

// §2.3: varchar *( ["."] varchar ), then an optional prefix (":" 1-9999) or explode ("*").
const VARSPEC =
  /^((?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})(?:\.?(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2}))*)(?::[1-9][0-9]{0,3}|(\*))?$/;

/** Parses a template or throws UriTemplateError saying what is wrong and at which character. */
export function parseUriTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let at = 0;
  while (at < template.length) {
    const open = template.indexOf('{', at);
    const literalEnd = open === -1 ? template.length : open;
    if (literalEnd > at) {
      const text = template.slice(at, literalEnd);
      if (!isLiteral(text)) {
        throw new UriTemplateError(`invalid character in the literal "${text}" at position ${at + 1}`);
      }
      parts.push({ kind: 'literal', text });
    }
    if (open === -1) break;
    const close = template.indexOf('}', open);
    if (close === -1) throw new UriTemplateError(`"{" at position ${open + 1} is never closed`);
    parts.push(parseExpression(template.slice(open + 1, close), open + 1));
    at = close + 1;
  }
  return parts;
}

function parseExpression(body: string, position: number): TemplatePart {
  const first = body.charAt(0);
  if (RESERVED_OPERATORS.has(first)) {
    throw new UriTemplateError(`operator "${first}" at position ${position} is reserved by RFC 6570`);
  }
  const operator = (OPERATORS.has(first) ? first : '') as Operator;
  const list = operator === '' ? body : body.slice(1);
  const vars = list.split(',').map((spec) => {
    const match = VARSPEC.exec(spec);
    if (match === null) {
      throw new UriTemplateError(`invalid variable "${spec}" in the expression at position ${position}`);
    }
    return { name: match[1] ?? spec, explode: match[2] !== undefined };
  });
  return { kind: 'expression', operator, vars };
}

/** Variable names in order of first use (for completion and for documentation). */
export function uriTemplateVariables(template: string): string[] {
  const names = parseUriTemplate(template).flatMap((p) =>
    p.kind === 'expression' ? p.vars.map((v) => v.name) : [],
  );
  return [...new Set(names)];
}

/** What an expansion of each operator starts with, when its value is not empty (§3.2.1 table). */
const PREFIX: Record<Operator, string> = {
  '': '',
  '+': '',
  '#': '#',
  '.': '.',
  '/': '/',
  ';': ';',
  '?': '?',
  '&': '&',
};
/** Characters an expansion of each operator cannot contain unencoded. */
const FORBIDDEN: Record<Operator, RegExp> = {
  '': /[/?#]/,
  '+': /[?#]/,
  '#': /$^/,
  '.': /[/?#]/,
  '/': /[?#]/,
  ';': /[/?#]/,
  '?': /#/,
  '&': /#/,
};

/**
 * The variables a URI gives a template, or undefined when it does not match. Scans left to right and cuts each
 * expansion at the first occurrence of what follows it, so matching is linear in the URI (no regex backtracking
 * over client-supplied text).
 */
export function matchUriTemplate(
  parts: readonly TemplatePart[],
  uri: string,
): Map<string, string> | undefined {
  const values = new Map<string, string>();
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as TemplatePart;
    if (part.kind === 'literal') {
      if (!uri.startsWith(part.text, at)) return undefined;
      at += part.text.length;
      continue;
    }
    const end = expansionEnd(uri, at, parts[i + 1]);
    const raw = uri.slice(at, end);
    if (FORBIDDEN[part.operator].test(raw)) return undefined;
    if (!assign(part, raw, values)) return undefined;
    at = end;
  }
  return at === uri.length ? values : undefined;
}

function expansionEnd(uri: string, from: number, next: TemplatePart | undefined): number {
  if (next === undefined) return uri.length;
  const stop = next.kind === 'literal' ? next.text : PREFIX[next.operator];
  if (stop === '') return from;
  const found = uri.indexOf(stop, from);
  return found === -1 ? uri.length : found;
}

function assign(
  part: Extract<TemplatePart, { kind: 'expression' }>,
  raw: string,
  values: Map<string, string>,
): boolean {
  const prefix = PREFIX[part.operator];
  if (raw === '') return true;
  if (!raw.startsWith(prefix)) return false;
  const body = raw.slice(prefix.length);
  if (part.operator === ';' || part.operator === '?' || part.operator === '&') {
    const wanted = new Set(part.vars.map((v) => v.name));
    for (const pair of body.split(part.operator === ';' ? ';' : '&')) {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      if (wanted.has(name)) values.set(name, decode(eq === -1 ? '' : pair.slice(eq + 1)));
    }
    return true;
  }
  const separator = part.operator === '.' || part.operator === '/' ? part.operator : ',';
  const pieces = part.vars.length === 1 ? [body] : body.split(separator);
  part.vars.forEach((v, index) => {
    const piece = pieces[index];
    if (piece !== undefined) values.set(v.name, decode(piece));
  });
  return true;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
