import { describe, expect, it } from 'vitest';
import {
  matchUriTemplate,
  parseUriTemplate,
  uriTemplateVariables,
} from '../../../../src/registry/resources/uri-template.js';

const match = (template: string, uri: string) => {
  const values = matchUriTemplate(parseUriTemplate(template), uri);
  return values === undefined ? undefined : Object.fromEntries(values);
};

describe('parseUriTemplate', () => {
  it.each([
    'file:///{path}',
    'https://example.com/{+path}{?q,lang}{&page}#{frag}',
    'users{/id*}{;x,y}{.format}',
    'docs://{var.name:12}/%20space',
    'no-expressions://plain',
  ])('accepts %s', (template) => {
    expect(() => parseUriTemplate(template)).not.toThrow();
  });

  it.each([
    ['file:///{path', /never closed/],
    ['file:///{bad name}', /invalid variable "bad name"/],
    ['file:///{=x}', /reserved/],
    ['file:///{x:0}', /invalid variable/],
    ['file:///{x:10000}', /invalid variable/],
    ['file:///{}', /invalid variable ""/],
    ['file:///a b/{x}', /invalid character/],
    ['file:///50%/{x}', /invalid character/],
    ['file:///}{x}', /invalid character/],
  ])('refuses %s', (template, message) => {
    expect(() => parseUriTemplate(template)).toThrow(message);
  });

  it('lists variables once, in order of first use', () => {
    expect(uriTemplateVariables('x://{a}/{b}{?a,c}')).toEqual(['a', 'b', 'c']);
  });
});

describe('matchUriTemplate', () => {
  it('reads simple, reserved, path, dotted and query expansions back', () => {
    expect(match('file:///logs/{date}.txt', 'file:///logs/2026-01-02.txt')).toEqual({ date: '2026-01-02' });
    expect(match('file:///{+path}', 'file:///a/b/c.md')).toEqual({ path: 'a/b/c.md' });
    expect(match('api://items{/id}{.format}', 'api://items/42.json')).toEqual({ id: '42', format: 'json' });
    expect(match('search://q{?term,lang}', 'search://q?lang=en&term=caf%C3%A9')).toEqual({
      term: 'café',
      lang: 'en',
    });
    expect(match('search://q{?term,lang}', 'search://q')).toEqual({});
  });

  it('refuses URIs the template could not have produced', () => {
    expect(match('file:///logs/{date}.txt', 'file:///logs/a/b.txt')).toBeUndefined();
    expect(match('file:///logs/{date}.txt', 'file:///other/x.txt')).toBeUndefined();
    expect(match('file:///logs/{date}', 'file:///logs/x#frag')).toBeUndefined();
  });

  it('stays linear on adversarial input', () => {
    const parts = parseUriTemplate('x://{+a}y{+b}y{+c}y{+d}z');
    expect(matchUriTemplate(parts, `x://${'y'.repeat(100_000)}`)).toBeUndefined();
  });
});
