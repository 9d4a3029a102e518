import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../../src/errors/app-error.js';
import {
  checkTemplate,
  inferArguments,
} from '../../../../../src/registry/prompts/template/check-template.js';

function checkError(template: string): AppError {
  try {
    checkTemplate(template);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(template)} to be rejected`);
}

describe('checkTemplate', () => {
  it.each([
    'Hello {{ name }}',
    '{% if a %}x{% elif b %}y{% else %}z{% endif %}',
    '{% for k, v in d.items() %}{{ k }}{% else %}none{% endfor %}',
    '{%- set x = 1 -%}{# note #}{{- x -}}',
    '{% set block %}text{% endset %}{{ block }}',
    '{% macro greet(who, greeting="Hi") %}{{ greeting }} {{ who }}{% endmacro %}{{ greet(name) }}',
    '{{ "}}" ~ "%}" }}',
    '{% for i in range(1000) %}{% endfor %}{% for j in range(1000) %}{% endfor %}',
  ])('accepts %s', (template) => {
    expect(() => checkTemplate(template)).not.toThrow();
  });

  it.each([
    ['Hello {{ name }', 'Template syntax error at line 1, column 7: "{{" is never closed with "}}"'],
    [
      "{{ 'open }}",
      `Template syntax error at line 1, column 1: "{{" is never closed with "}}" (a '-quoted string inside it is never closed)`,
    ],
    ['{# note', 'Template syntax error at line 1, column 1: "{#" is never closed with "#}"'],
    [
      'line 1\nline 2 {{ a + }}',
      'Template syntax error at line 2, column 8 in {{ a + }}: Unexpected token: "}}"',
    ],
    ['{{ x @ y }}', 'Template syntax error at line 1, column 1 in {{ x @ y }}: Unexpected character: @'],
    [
      'a\n{% if x %}\nb',
      'Template syntax error at line 2, column 1 in {% if x %}: the block is never closed (expected {% endif %})',
    ],
    [
      '{% for x in %}{% endfor %}',
      'Template syntax error at line 1, column 1 in {% for x in %}: Unexpected token: "%}"',
    ],
    [
      '{% if a %}\n  {% endfor %}',
      'Template syntax error at line 2, column 3 in {% endfor %}: {% endfor %} does not close anything (expected {% endif %} for {% if a %})',
    ],
    [
      '{% else %}',
      'Template syntax error at line 1, column 1 in {% else %}: {% else %} outside {% if %} or {% for %}',
    ],
    [
      '{% include "header.j2" %}',
      'Template syntax error at line 1, column 1 in {% include "header.j2" %}: unknown tag "include" (supported: if, elif, else, for, set, macro, call, filter, break, continue)',
    ],
  ])('rejects %j with its location', (template, message) => {
    const err = checkError(template);
    expect(err.code).toBe('Invalid');
    expect(err.message).toBe(message);
  });

  it('refuses a literal range over the limit', () => {
    expect(checkError('{% for i in range(100000000) %}{% endfor %}').message).toBe(
      'Template refused: range(100000000) would produce 100000000 items (limit 100000)',
    );
    expect(checkError('{{ range(0, 300000, 2) | length }}').message).toMatch(
      /range\(0, 300000, 2\) would produce 150000/,
    );
  });

  it('refuses nested literal loops that multiply past the limit', () => {
    const err = checkError(
      '{% for i in range(1000) %}{% for j in range(1001) %}{{ i }}{% endfor %}{% endfor %}',
    );
    expect(err.message).toBe(
      'Template refused: nested loops would run 1001000 times (limit 1000000), at the loop over range(1001)',
    );
  });
});

describe('inferArguments', () => {
  const names = (template: string): string[] => inferArguments(template).map((a) => a.name);
  const optional = (template: string): string[] =>
    inferArguments(template)
      .filter((a) => !a.required)
      .map((a) => a.name);

  it('lists free variables in order of first use', () => {
    expect(names('{{ topic }} for {{ audience }}, again {{ topic }}')).toEqual(['topic', 'audience']);
  });

  it('skips loop variables, loop, set names and engine globals', () => {
    const template =
      '{% set n = items | length %}{% for item in items %}{{ loop.index }}/{{ n }} {{ item.name }}{% endfor %}' +
      '{% if true %}{{ range(2) | join }}{% endif %}';
    expect(names(template)).toEqual(['items']);
  });

  it('a loop variable is not bound after its loop, nor a name before its set', () => {
    expect(names('{{ x }}{% set x = 1 %}{% for y in ys %}{% endfor %}{{ y }}')).toEqual(['x', 'ys', 'y']);
  });

  it('filter and test names are not variables; their arguments are', () => {
    expect(names("{{ a | default(fallback) | replace('x', sep) }}{{ b is defined }}")).toEqual([
      'a',
      'fallback',
      'sep',
      'b',
    ]);
  });

  it('keyword argument names are not variables; attribute names are not either', () => {
    expect(names('{{ data | tojson(indent=width) }}{{ user.name }}{{ row[key] }}')).toEqual([
      'data',
      'width',
      'user',
      'row',
      'key',
    ]);
  });

  it('macro parameters are bound inside the macro', () => {
    expect(names('{% macro m(a, b=dflt) %}{{ a }}{{ b }}{{ c }}{% endmacro %}{{ m(x) }}')).toEqual([
      'dflt',
      'c',
      'x',
    ]);
  });

  it('loop filters see the loop variable', () => {
    expect(names('{% for u in users if u.active %}{{ u.name }}{% endfor %}')).toEqual(['users']);
  });

  it("infers the README tour's greet prompt: name required, topic (only under {% if topic %}) optional", () => {
    expect(
      inferArguments('Hello {{ name | title }}{% if topic %}, let us talk about {{ topic }}{% endif %}.'),
    ).toEqual([
      { name: 'name', required: true },
      { name: 'topic', required: false },
    ]);
  });

  it('a variable read only in truth tests, through default, or tested with "is defined" is optional', () => {
    expect(optional('{% if a %}x{% elif not b or c.d %}y{% endif %}')).toEqual(['a', 'b', 'c']);
    expect(optional("{{ x | default('y') }}{{ s.t | default(fallback) | upper }}")).toEqual(['x', 's']);
    expect(optional('{{ n if m else o }}{% if v is defined %}{{ v }}{% endif %}')).toEqual(['m', 'v']);
    expect(optional('{% if u is not defined %}-{% else %}{{ u.name }}{% endif %}')).toEqual(['u']);
    expect(
      optional('{% if a and b %}{{ a }}{{ b }}{% endif %}{% if not c %}-{% else %}{{ c }}{% endif %}'),
    ).toEqual(['a', 'b', 'c']);
  });

  it('one read that needs the value makes the variable required', () => {
    expect(inferArguments("{% if x > 3 %}big{% endif %}{{ y | upper | default('') }}")).toEqual([
      { name: 'x', required: true },
      { name: 'y', required: true },
    ]);
    // Outside its if, or under an if that may pass without it, a read is not guarded.
    expect(optional('{% if t %}{{ t }}{% endif %}{{ t }}')).toEqual([]);
    expect(optional('{% if p or q %}{{ p }}{% endif %}')).toEqual(['q']);
    expect(optional('{% if w %}-{% else %}{{ w }}{% endif %}')).toEqual([]);
    // `default` guards only its own operand: the fallback expression is read as usual.
    expect(inferArguments('{{ a | default(b) }}')).toEqual([
      { name: 'a', required: false },
      { name: 'b', required: true },
    ]);
  });

  it('throws the located syntax error for a broken template', () => {
    expect(() => inferArguments('{{ a + }}')).toThrow(/line 1, column 1/);
  });
});
