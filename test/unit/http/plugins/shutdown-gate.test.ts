// The shutdown gate: once stopping, every route answers 503 with a detail, except routes that decide themselves.
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../../../../src/http/plugins/errors.js';
import { registerShutdownGate } from '../../../../src/http/plugins/shutdown-gate.js';

describe('registerShutdownGate', () => {
  it('refuses new requests with 503, a detail and Connection: close once shutdown began', async () => {
    let stopping = false;
    const app = Fastify({ logger: false });
    registerErrorHandling(app);
    registerShutdownGate(app, () => stopping);
    app.get('/tools', () => ['a tool']);
    app.post('/mcp', { config: { whileClosing: 'self' } }, () => ({ decided: 'by the route' }));
    await app.ready();

    expect((await app.inject({ method: 'GET', url: '/tools' })).json()).toEqual(['a tool']);
    stopping = true;
    const refused = await app.inject({ method: 'GET', url: '/tools' });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers.connection).toBe('close');
    expect(refused.json()).toEqual({
      detail: expect.stringMatching(/^The gateway is shutting down: send the request again/),
      code: 'Unavailable',
    });
    expect((await app.inject({ method: 'GET', url: '/nowhere' })).statusCode).toBe(503);
    expect((await app.inject({ method: 'POST', url: '/mcp' })).json()).toEqual({ decided: 'by the route' });
    await app.close();
  });
});
