import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/errors/app-error.js';
import { httpStatusOf } from '../../../../src/errors/codes.js';
import {
  checkArguments,
  resolveArguments,
  type PromptArgument,
} from '../../../../src/registry/prompts/arguments.js';

describe('resolveArguments', () => {
  it('infers arguments from the template when none are declared, optional where it has a default', () => {
    expect(
      resolveArguments(undefined, 'Write about {{ topic }} for {{ audience | default("all") }}'),
    ).toEqual([
      { name: 'topic', required: true },
      { name: 'audience', required: false },
    ]);
  });

  it('keeps the declared list as the author wrote it', () => {
    const declared: PromptArgument[] = [
      { name: 'topic', description: 'What to write about', required: false },
    ];
    expect(resolveArguments(declared, '{{ topic }} {{ other }}')).toBe(declared);
  });
});

describe('checkArguments', () => {
  const declared: PromptArgument[] = [
    { name: 'name', required: true },
    { name: 'style', required: false },
    { name: 'topic', required: true },
  ];

  it('passes when every required argument is given', () => {
    expect(() => checkArguments(declared, { name: 'Ada', topic: 'engines' })).not.toThrow();
  });

  it('names every missing required argument, as a 422', () => {
    let caught: unknown;
    try {
      checkArguments(declared, { style: 'terse' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppError);
    const err = caught as AppError;
    expect(err.code).toBe('Invalid');
    expect(httpStatusOf(err.code)).toBe(422);
    expect(err.message).toBe('Missing required argument(s): name, topic');
    expect(err.data).toEqual({ missing: ['name', 'topic'] });
  });

  it('treats null as missing, and does not count inherited properties as given', () => {
    const declaredProto: PromptArgument[] = [
      { name: 'constructor', required: true },
      { name: 'toString', required: true },
      { name: 'name', required: true },
    ];
    expect(() => checkArguments(declaredProto, { name: null })).toThrow(
      'Missing required argument(s): constructor, toString, name',
    );
  });
});
