// dispatchRequest(): status, headers and a body handed over chunk by chunk, bounded reads, abort at any point.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cancel, dispatchRequest } from '../../../../src/federation/streamable/dispatch-request.js';

describe('exchange', () => {
  let server: Server;
  let base: string;
  const agent = new Agent();
  let closedEarly = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/big') return void res.writeHead(200).end('x'.repeat(10_000));
      if (req.url === '/drip') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-a': 'b' });
        let n = 0;
        const timer = setInterval(() => res.write(`chunk ${++n}\n`), 5);
        res.on('close', () => (clearInterval(timer), (closedEarly += 1)));
        return;
      }
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end(`{"got":${body}}`));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await agent.close();
  });

  const send = (path: string, signal: AbortSignal | Cancel = new AbortController().signal, body?: string) =>
    dispatchRequest(agent, {
      url: new URL(`${base}${path}`),
      method: body === undefined ? 'GET' : 'POST',
      headers: {},
      ...(body === undefined ? {} : { body }),
      signal,
    });

  it('answers with the status, the headers and the body', async () => {
    const answer = await send('/echo', undefined, '[1,2]');
    expect(answer.statusCode).toBe(201);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(await answer.body.text(1000, { truncate: false })).toBe('{"got":[1,2]}');
    expect(() => answer.body.read(() => undefined)).toThrow(/read once/);
  });

  it('stops at the limit: an error, or the first bytes when truncating', async () => {
    await expect((await send('/big')).body.text(100, { truncate: false })).rejects.toThrow(
      /larger than 100 bytes/,
    );
    expect((await (await send('/big')).body.text(100, { truncate: true })).length).toBe(100);
  });

  it('hands chunks over as they come, and aborting (or destroying the body) ends the request', async () => {
    const before = closedEarly;
    const controller = new AbortController();
    const answer = await send('/drip', controller.signal);
    expect(answer.headers['x-a']).toBe('b');
    const seen: string[] = [];
    const reading = answer.body.read((chunk) => {
      seen.push(chunk.toString());
      if (seen.length === 3) controller.abort(new Error('enough'));
    });
    await expect(reading).rejects.toThrow('enough');
    expect(seen.join('')).toMatch(/^chunk 1\nchunk 2\nchunk 3\n/);
    const other = await send('/drip');
    other.body.destroy();
    await expect.poll(() => closedEarly, { timeout: 2000 }).toBe(before + 2);
  });

  it('fails at once when aborted before it was sent', async () => {
    const controller = new AbortController();
    controller.abort(new Error('never mind'));
    await expect(send('/echo', controller.signal, '1')).rejects.toThrow('never mind');
  });

  it('stops with a Cancel as with a signal: before sending, and in the middle of the body', async () => {
    const early = new Cancel();
    early.abort(new Error('not now'));
    await expect(send('/echo', early, '1')).rejects.toThrow('not now');

    const before = closedEarly;
    const cancel = new Cancel();
    const answer = await send('/drip', cancel);
    const seen: string[] = [];
    const reading = answer.body.read((chunk) => {
      seen.push(chunk.toString());
      if (seen.length === 2) cancel.abort(new Error('that will do'));
    });
    await expect(reading).rejects.toThrow('that will do');
    expect(cancel.reason).toBeInstanceOf(Error);
    await expect.poll(() => closedEarly, { timeout: 2000 }).toBe(before + 1);
    // Aborting again, or after the exchange ended, is harmless.
    cancel.abort(new Error('again'));
    const done = new Cancel();
    expect(await (await send('/echo', done, '2')).body.text(100, { truncate: false })).toBe('{"got":2}');
    done.abort(new Error('late'));
  });
});
