import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from '../../../../src/federation/streamable/sse-parser.js';

function parse(chunks: Array<string | Buffer>, maxEventChars = 1024) {
  const events: SseEvent[] = [];
  const ids: string[] = [];
  const retries: number[] = [];
  const parser = new SseParser({
    maxEventChars,
    onEvent: (e) => events.push(e),
    onId: (id) => ids.push(id),
    onRetry: (ms) => retries.push(ms),
  });
  for (const c of chunks) parser.push(typeof c === 'string' ? Buffer.from(c) : c);
  return { events, ids, retries };
}

describe('SseParser', () => {
  it('reads events whatever the line endings and wherever the chunks split them', () => {
    const text = 'event: message\r\nid: 7\r\ndata: {"a":1}\r\n\r\ndata: one\rdata: two\r\rdata: x\n\n';
    const whole = parse([text]);
    for (let cut = 1; cut < text.length; cut++) {
      expect(parse([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
    expect(whole.events).toEqual([
      { event: 'message', data: '{"a":1}' },
      { event: undefined, data: 'one\ntwo' },
      { event: undefined, data: 'x' },
    ]);
    expect(whole.ids).toEqual(['7']);
  });

  it('keeps a multi-byte character split across chunks intact, and drops a leading BOM', () => {
    const bytes = Buffer.from('\uFEFFdata: é😀\n\n');
    expect(parse([bytes.subarray(0, 5), bytes.subarray(5, 9), bytes.subarray(9)]).events).toEqual([
      { event: undefined, data: 'é😀' },
    ]);
  });

  it('ignores comments (keep-alives) and events without data, but reports their ids and the retry field', () => {
    // `id: 1` + an empty `data:` is what a resumption server sends first: a priming event, not a message.
    const out = parse([
      ': keep-alive\n\nid: 1\ndata:\n\nid: 2\n\nretry: 1500\nretry: soon\n\ndata:\ndata:\n\n',
    ]);
    expect(out.events).toEqual([{ event: undefined, data: '\n' }]);
    expect(out.ids).toEqual(['1', '2']);
    expect(out.retries).toEqual([1500]);
  });

  it('refuses an event larger than the limit, in one line or many', () => {
    expect(() => parse([`data: ${'x'.repeat(2000)}\n\n`])).toThrow(/larger than 1024/);
    expect(() => parse([`data: ${'x'.repeat(600)}\ndata: ${'y'.repeat(600)}\n`])).toThrow(/larger than 1024/);
    expect(() => parse(['data: ', 'x'.repeat(2000)])).toThrow(/larger than 1024/);
  });
});
