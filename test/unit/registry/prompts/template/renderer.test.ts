import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../../../src/errors/app-error.js';
import {
  createTemplateRenderer,
  type TemplateRenderer,
} from '../../../../../src/registry/prompts/template/renderer.js';

let renderer: TemplateRenderer;

beforeAll(() => {
  renderer = createTemplateRenderer({ timeoutMs: 500, maxOutputBytes: 10_000, maxThreads: 2 });
});
afterAll(async () => {
  await renderer.close();
});

/** The AppError a render rejects with (fails the test if it resolves). */
async function renderError(
  template: string,
  args: Record<string, unknown> = {},
  using: TemplateRenderer = renderer,
): Promise<AppError> {
  const err: unknown = await using.render(template, args).then(
    (text) => new Error(`expected a failure, rendered ${JSON.stringify(text)}`),
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw err;
  return err;
}

describe('filters', () => {
  it.each([
    ["{{ missing | default('anon') }}", {}, 'anon'],
    ["{{ name | default('anon') }}", { name: 'Ada' }, 'Ada'],
    ["{{ empty | default('anon', true) }}", { empty: '' }, 'anon'],
    ['{{ name | upper }}', { name: 'Ada' }, 'ADA'],
    ['{{ name | lower }}', { name: 'Ada' }, 'ada'],
    ['{{ title | title }}', { title: 'the art of prompts' }, 'The Art Of Prompts'],
    ['[{{ text | trim }}]', { text: '  padded \n' }, '[padded]'],
    ["{{ text | replace('cat', 'dog') }}", { text: 'cat and cat' }, 'dog and dog'],
    ["{{ items | join(', ') }}", { items: ['a', 'b', 'c'] }, 'a, b, c'],
    ['{{ items | length }} {{ text | length }}', { items: [1, 2], text: 'abc' }, '2 3'],
    ['{{ data | tojson }}', { data: { a: 1, b: ['x', null] } }, '{"a": 1, "b": ["x", null]}'],
    ["{{ name | trim | upper | replace('A', '4') }}", { name: ' ada ' }, '4D4'],
  ])('%s', async (template, args, expected) => {
    expect(await renderer.render(template, args)).toBe(expected);
  });
});

describe('statements', () => {
  it('if / elif / else', async () => {
    const template = '{% if n > 1 %}many{% elif n == 1 %}one{% else %}none{% endif %}';
    expect(await renderer.render(template, { n: 3 })).toBe('many');
    expect(await renderer.render(template, { n: 1 })).toBe('one');
    expect(await renderer.render(template, { n: 0 })).toBe('none');
  });

  it('for with loop variables and an else block', async () => {
    const template =
      '{% for t in topics %}{{ loop.index }}. {{ t }}{% if not loop.last %}; {% endif %}{% else %}nothing{% endfor %}';
    expect(await renderer.render(template, { topics: ['a', 'b'] })).toBe('1. a; 2. b');
    expect(await renderer.render(template, { topics: [] })).toBe('nothing');
  });

  it('for over a mapping', async () => {
    const template = '{% for k, v in data.items() %}{{ k }}={{ v }} {% endfor %}';
    expect(await renderer.render(template, { data: { a: 1, b: 2 } })).toBe('a=1 b=2 ');
  });

  it('whitespace control strips around {%- -%} and {{- -}}', async () => {
    const template = 'Items:\n  {%- for i in items %}\n    {{- i -}}\n  {% endfor -%}\n  done';
    expect(await renderer.render(template, { items: ['x', 'y'] })).toBe('Items:xydone');
  });

  it('trims block lines the way ContextForge configures Jinja (trim_blocks, lstrip_blocks)', async () => {
    const template = 'Hello\n  {% if formal %}\nDear {{ name }},\n  {% endif %}\nBye';
    expect(await renderer.render(template, { formal: true, name: 'Ada' })).toBe('Hello\nDear Ada,\nBye');
  });

  it('comments render as nothing', async () => {
    expect(await renderer.render('a{# note {{ secret }} #}b{#- trimmed -#}  c', { secret: 'x' })).toBe('abc');
  });

  it('undefined variables render as empty', async () => {
    expect(await renderer.render('[{{ nothing }}][{{ nothing.deeper }}]', {})).toBe('[][]');
  });

  it('set and namespace', async () => {
    const template =
      '{% set ns = namespace(total=0) %}{% for n in nums %}{% set ns.total = ns.total + n %}{% endfor %}{{ ns.total }}';
    expect(await renderer.render(template, { nums: [1, 2, 3] })).toBe('6');
  });

  it('an argument named like a global shadows it', async () => {
    expect(await renderer.render('{{ range }}', { range: 'wide' })).toBe('wide');
  });
});

describe('untrusted templates cannot reach JavaScript', () => {
  const payloads = [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    '{{ x.constructor }}',
    "{{ x.constructor.constructor('return process')() }}",
    "{{ ''.constructor.constructor('return process')().exit(1) }}",
    '{{ x.__proto__ }}',
    "{{ x['__proto__']['constructor'] }}",
    '{{ range.constructor }}',
    "{{ range.constructor('return globalThis')() }}",
    "{{ namespace.constructor.constructor('return process')() }}",
    '{{ raise_exception.__globals__ }}',
    '{{ items.toString }}',
    '{{ items.map }}',
    '{{ (items | join).constructor }}',
    "{% set f = x.constructor.constructor %}{{ f('return 1')() }}",
    '{{ self.__init__.__globals__ }}',
    '{{ lipsum.__globals__.os.popen("id").read() }}',
  ];

  it.each(payloads)('%s renders harmlessly or errors', async (template) => {
    const args = { x: { a: 1 }, items: [1, 2] };
    const outcome = await renderer.render(template, args).then(
      (text) => ({ text }),
      (err: unknown) => ({ err }),
    );
    if ('text' in outcome) {
      // Nothing from the JavaScript side leaks into the output.
      expect(outcome.text).not.toMatch(/function|native code|\[object|process|Object|globalThis/);
    } else {
      expect(outcome.err).toBeInstanceOf(AppError);
      expect((outcome.err as AppError).code).toBe('Invalid');
    }
  });

  it('keys named like prototype properties in arguments are plain data', async () => {
    const args = JSON.parse('{"x": {"__proto__": {"polluted": 1}, "constructor": "c"}}') as Record<
      string,
      unknown
    >;
    expect(
      await renderer.render('{{ x.constructor }}|{{ x.__proto__.polluted }}|{{ x.polluted }}', args),
    ).toBe('c|1|');
  });

  it('functions passed as arguments are dropped, not made callable', async () => {
    let called = false;
    const args = {
      fn: () => {
        called = true;
        return 'ran';
      },
    };
    expect((await renderError('{{ fn() }}', args)).message).toMatch(/undefined value/);
    expect(called).toBe(false);
  });
});

describe('bounds', () => {
  it('range(100000000) is refused before rendering, and the renderer keeps working', async () => {
    const err = await renderError('{% for i in range(100000000) %}{{ i }}{% endfor %}');
    expect(err.code).toBe('Invalid');
    expect(err.message).toBe(
      'Template refused: range(100000000) would produce 100000000 items (limit 100000)',
    );
    expect(await renderer.render('still {{ ok }}', { ok: 'fine' })).toBe('still fine');
  });

  it('a computed range over the limit fails when it is called', async () => {
    const err = await renderError('{% for i in range(n) %}{% endfor %}', { n: 100_000_000 });
    expect(err.message).toBe(
      'Template rendering failed: range(100000000) would produce 100000000 items (limit 100000)',
    );
  });

  it('output over the cap is an error naming the limit', async () => {
    const err = await renderError('{% for i in range(2000) %}0123456789{% endfor %}');
    expect(err.code).toBe('Invalid');
    expect(err.message).toBe('Rendered prompt is larger than the limit of 10000 bytes');
  });

  it('the output cap counts UTF-8 bytes', async () => {
    // 4000 characters, 12000 bytes.
    const err = await renderError('{{ text }}', { text: '€'.repeat(4000) });
    expect(err.message).toMatch(/larger than the limit of 10000 bytes/);
  });

  it('a template that runs too long is stopped with the timeout in the message', async () => {
    // Nine million iterations, far beyond 500 ms; n is an argument, so no static check can refuse it.
    const template = '{% for i in range(n) %}{% for j in range(n) %}{{ i }}{% endfor %}{% endfor %}';
    const err = await renderError(template, { n: 3000 });
    expect(err.code).toBe('Invalid');
    expect(err.message).toBe('Template rendering took longer than 500 ms and was stopped');
    expect(await renderer.render('{{ 1 + 1 }}', {})).toBe('2');
  });
});

describe('isolation', () => {
  // A long timeout, so V8 reaching the heap limit (which takes it a while) is what stops these renders.
  let roomy: TemplateRenderer;
  beforeAll(() => {
    roomy = createTemplateRenderer({ timeoutMs: 30_000, maxOutputBytes: 10_000, maxThreads: 1 });
  });
  afterAll(async () => {
    await roomy.close();
  });

  it('running out of memory kills one render process; the renderer keeps rendering', async () => {
    // One huge allocation: upper-casing a 226 MB string. In a worker thread with resourceLimits this aborts the
    // whole process (nodejs/node#47224); in a render process it kills only that process.
    const template =
      '{% set ns = namespace(s="' +
      'x'.repeat(54) +
      '") %}{% for i in range(22) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | upper | length }}';
    const err = await renderError(template, {}, roomy);
    expect(err.code).toBe('Invalid');
    expect(err.message).toBe('Template rendering needed more than 64 MB of memory and was stopped');
    const after = await Promise.all([1, 2, 3].map((n) => roomy.render('{{ n }}', { n })));
    expect(after).toEqual(['1', '2', '3']);
  });

  it('render after close is Unavailable', async () => {
    await roomy.close();
    const err = await renderError('{{ a }}', { a: 'x' }, roomy);
    expect(err.code).toBe('Unavailable');
  });
});

describe('runtime errors are actionable', () => {
  it('calling something undefined names the problem', async () => {
    const err = await renderError('{{ helper() }}');
    expect(err.code).toBe('Invalid');
    expect(err.message).toMatch(/^Template rendering failed: Cannot call something that is not a function/);
  });

  it('a filter on an undefined variable suggests a default', async () => {
    const err = await renderError('{{ name | upper }}');
    expect(err.message).toContain("default('')");
  });

  it('raise_exception carries the author message', async () => {
    expect((await renderError("{{ raise_exception('topic is required') }}")).message).toBe(
      'Template rendering failed: topic is required',
    );
  });

  it('syntax errors come back located', async () => {
    expect((await renderError('line one\n{{ a + }}')).message).toMatch(/line 2, column 1/);
  });
});
