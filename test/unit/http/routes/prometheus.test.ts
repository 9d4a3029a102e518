import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../helpers/backends.js';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.js';

const [backend] = backends();

describe('/metrics/prometheus', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(backend!);
  });
  afterAll(async () => t.close());

  it('exposes call counters, latency histograms and HTTP series by route pattern', async () => {
    const prompt = (await t.call('POST', '/prompts', { name: 'hello', template: 'Hi {{ who }}' })).json();
    expect((await t.call('POST', `/prompts/${prompt.id}`, { who: 'Ada' })).statusCode).toBe(200);
    expect((await t.call('POST', `/prompts/${prompt.id}`, {})).statusCode).toBe(422);
    const res = await t.call('GET', '/metrics/prometheus');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/mcpgateway_calls_total\{kind="prompt",outcome="success",app="mcpgateway"\} 1/);
    expect(res.body).toMatch(/mcpgateway_calls_total\{kind="prompt",outcome="failure",app="mcpgateway"\} 1/);
    expect(res.body).toContain('mcpgateway_call_duration_seconds_bucket');
    expect(res.body).toContain('route="/prompts/:id"');
    expect(res.body).not.toContain(prompt.id);
    expect((await t.call('GET', '/metrics/prometheus', undefined, null)).statusCode).toBe(401);
  });
});
