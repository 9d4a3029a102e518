// Request body limits: size (413), nesting depth and prototype keys (400), with a JSON detail and nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../helpers/backends.js';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.js';

const [backend] = backends();

describe('JSON request bodies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(backend!);
  });
  afterAll(async () => t.close());

  const post = (payload: string) =>
    t.app.inject({
      method: 'POST',
      url: '/tools',
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' },
      payload,
    });

  it('refuses bodies over 1 MiB with 413', async () => {
    const res = await post(
      JSON.stringify({ name: 'big', url: 'https://example.com', description: 'x'.repeat(1024 * 1024) }),
    );
    expect(res.statusCode).toBe(413);
    expect(res.json().detail).toMatch(/too large/i);
  });

  it('refuses JSON nested past 32 levels with 400, even 10,000 deep', async () => {
    for (const depth of [33, 10_000]) {
      const res = await post(`${'['.repeat(depth)}${']'.repeat(depth)}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().detail).toContain('nested deeper than 32');
    }
    const ok = await post(
      JSON.stringify({
        name: 'nested_ok',
        url: 'https://example.com',
        input_schema: {
          type: 'object',
          properties: { a: { type: 'object', properties: { b: { type: 'string' } } } },
        },
      }),
    );
    expect(ok.statusCode).toBe(201);
  });

  it('refuses __proto__ and constructor keys anywhere with 400', async () => {
    for (const payload of [
      '{"name":"p1","url":"https://example.com","__proto__":{"isAdmin":true}}',
      '{"name":"p2","url":"https://example.com","input_schema":{"constructor":{"prototype":{"x":1}}}}',
    ]) {
      const res = await post(payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().detail).toMatch(/not allowed/);
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('answers malformed JSON with 400 and stores nothing', async () => {
    const res = await post('{"name": "broken", ');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('BadRequest');
    const names = (await t.call('GET', '/tools?include_inactive=true'))
      .json()
      .map((x: { name: string }) => x.name);
    expect(names).toEqual(['nested_ok']);
  });
});
