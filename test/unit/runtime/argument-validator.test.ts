import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors/app-error.js';
import { createArgumentValidator } from '../../../src/runtime/argument-validator.js';

function failure(run: () => void): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected validation to fail');
}

const schema = {
  type: 'object',
  properties: {
    count: { type: 'integer', minimum: 1 },
    name: { type: 'string' },
    email: { type: 'string', format: 'email' },
    mode: { enum: ['fast', 'slow'] },
  },
  required: ['name'],
  additionalProperties: false,
};

describe('argument validator', () => {
  it('accepts valid arguments', () => {
    const validator = createArgumentValidator();
    expect(() =>
      validator.validate({ id: 't1', version: 1 }, schema, { name: 'a', count: 2, email: 'a@example.com' }),
    ).not.toThrow();
  });

  it('lists every failing path in one Invalid error', () => {
    const validator = createArgumentValidator();
    const error = failure(() =>
      validator.validate({ id: 't1', version: 1 }, schema, {
        count: 1.5,
        email: 'nope',
        mode: 'medium',
        extra: true,
      }),
    );
    console.log('invalid arguments:', error.message);
    expect(error.code).toBe('Invalid');
    expect(error.message).toMatch(/^Invalid arguments: /);
    expect(error.message).toContain('/count must be integer');
    expect(error.message).toContain('/email must match format "email"');
    expect(error.message).toContain("(root) must have required property 'name'");
    expect(error.message).toContain('must NOT have additional properties ("extra")');
    expect(error.message).toContain('/mode must be equal to one of the allowed values: "fast", "slow"');
    expect(error.data).toMatchObject({
      errors: expect.arrayContaining([{ path: '/count', message: 'must be integer' }]),
    });
  });

  it('compiles once per (id, version) and recompiles for a new version', () => {
    const validator = createArgumentValidator();
    validator.validate({ id: 't1', version: 1 }, schema, { name: 'a' });
    // Same key: the cached compilation wins even if the caller passes another schema object.
    validator.validate({ id: 't1', version: 1 }, { type: 'string' }, { name: 'a' });
    expect(validator.cachedCount).toBe(1);
    expect(() => validator.validate({ id: 't1', version: 2 }, { type: 'string' }, { name: 'a' })).toThrow(
      /\(root\) must be string/,
    );
    expect(validator.cachedCount).toBe(2);
  });

  it('keeps the cache bounded, dropping the least recently used schema', () => {
    const validator = createArgumentValidator({ cacheSize: 2 });
    const required = (field: string) => ({ type: 'object', required: [field] });
    validator.validate({ id: 'a', version: 1 }, required('a'), { a: 1 });
    validator.validate({ id: 'b', version: 1 }, required('b'), { b: 1 });
    validator.validate({ id: 'a', version: 1 }, required('a'), { a: 1 }); // touch a: b is now the oldest
    validator.validate({ id: 'c', version: 1 }, required('c'), { c: 1 });
    expect(validator.cachedCount).toBe(2);
    // a survived (its cached schema still applies); b was evicted, so its new schema is compiled.
    expect(() => validator.validate({ id: 'a', version: 1 }, {}, {})).toThrow(/required property 'a'/);
    expect(() => validator.validate({ id: 'b', version: 1 }, {}, {})).not.toThrow();
  });

  it('refuses schemas that do not compile, are too large or too deep, with a clear error', () => {
    const validator = createArgumentValidator({ maxSchemaBytes: 1024, maxSchemaDepth: 10 });
    const broken = failure(() =>
      validator.validate({ id: 'bad', version: 1 }, { type: 'integer', minimum: 'one' }, 1),
    );
    console.log('bad schema:', broken.message);
    expect(broken.code).toBe('Invalid');
    expect(broken.message).toMatch(/^Invalid input_schema of tool bad: .*minimum must be number/);
    expect(() =>
      validator.validate({ id: 'ref', version: 1 }, { $ref: 'https://evil.example/schema.json' }, 1),
    ).toThrow(/Invalid input_schema of tool ref: can't resolve reference/);
    const big = { type: 'object', description: 'x'.repeat(2000) };
    expect(() => validator.validate({ id: 'big', version: 1 }, big, {})).toThrow(
      /bytes of JSON; the limit is 1024/,
    );
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 10; i++) deep = { type: 'object', properties: { x: deep } };
    expect(() => validator.validate({ id: 'deep', version: 1 }, deep, {})).toThrow(
      /nested deeper than 10 levels/,
    );
    expect(() => validator.validate({ id: 'arr', version: 1 }, [1, 2], {})).toThrow(/must be a JSON object/);
  });

  it('bounds the arguments too', () => {
    const validator = createArgumentValidator({ maxArgsBytes: 100, maxArgsDepth: 5 });
    expect(() => validator.validate({ id: 't', version: 1 }, {}, { s: 'x'.repeat(200) })).toThrow(
      /Invalid arguments: \d+ bytes of JSON; the limit is 100/,
    );
    expect(() =>
      validator.validate({ id: 't', version: 1 }, {}, { a: { b: { c: { d: { e: { f: 1 } } } } } }),
    ).toThrow(/Invalid arguments: nested deeper than 5 levels/);
  });

  it('understands draft-07 and 2020-12 schemas, and treats a missing schema as "any object"', () => {
    const validator = createArgumentValidator();
    const draft7 = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'array',
      items: [{ type: 'string' }],
      additionalItems: false,
    };
    expect(() => validator.validate({ id: 'd7', version: 1 }, draft7, ['a'])).not.toThrow();
    expect(() => validator.validate({ id: 'd7', version: 1 }, draft7, ['a', 'b'])).toThrow(
      /must NOT have more than 1 items/,
    );
    const modern = { type: 'array', prefixItems: [{ type: 'string' }], items: false };
    expect(() => validator.validate({ id: 'd20', version: 1 }, modern, ['a', 1])).toThrow(
      /Invalid arguments/,
    );
    expect(() => validator.validate({ id: 'none', version: 1 }, null, { anything: 1 })).not.toThrow();
    expect(() => validator.validate({ id: 'none', version: 1 }, null, 'text')).toThrow(
      /\(root\) must be object/,
    );
  });

  it('does not let two tools sharing a $id collide', () => {
    const validator = createArgumentValidator();
    const one = { $id: 'https://example.com/shared.json', type: 'object', required: ['a'] };
    const two = { $id: 'https://example.com/shared.json', type: 'object', required: ['b'] };
    expect(() => validator.validate({ id: 'one', version: 1 }, one, { a: 1 })).not.toThrow();
    expect(() => validator.validate({ id: 'two', version: 1 }, two, { b: 1 })).not.toThrow();
  });
});
