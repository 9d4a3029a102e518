// SSE polling (SEP-1699) through the app: priming events on POST and GET streams, and resuming from any id they hand out.
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, buildMcpTestApp, type McpTestApp } from '../../../helpers/mcp-app.js';
import { MemoryCatalog } from '../../../helpers/memory-catalog.js';

interface SseEvent {
  id?: string;
  retry?: string;
  data?: string;
}

/** The events of an SSE body; comments (keep-alives) are left out. */
function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    const event: SseEvent = {};
    for (const line of block.split('\n')) {
      const colon = line.indexOf(': ');
      if (line === '' || line.startsWith(':') || colon < 0) continue;
      const field = line.slice(0, colon);
      const value = line.slice(colon + 2);
      if (field === 'data') event.data = event.data === undefined ? value : `${event.data}\n${value}`;
      else if (field === 'id' || field === 'retry') event[field] = value;
    }
    if (Object.keys(event).length > 0) events.push(event);
  }
  return events;
}

/** Reads a stream that does not end by itself until it has carried `count` events. */
async function readEvents(stream: Readable, count: number): Promise<SseEvent[]> {
  let text = '';
  for await (const chunk of stream) {
    text += String(chunk);
    const events = parseSse(text.slice(0, text.lastIndexOf('\n\n') + 2));
    if (events.length >= count) {
      stream.destroy();
      return events;
    }
  }
  throw new Error(`the stream ended after ${parseSse(text).length} of ${count} events`);
}

const messages = (events: SseEvent[]): unknown[] =>
  events.filter((e) => e.data !== '').map((e): unknown => JSON.parse(e.data!));
const isPriming = (event: SseEvent | undefined) =>
  event?.data === '' && event.id !== undefined && /^\d+$/.test(event.retry ?? '');

describe('SSE polling (SEP-1699) on Streamable HTTP', () => {
  let h: McpTestApp;
  beforeEach(async () => {
    const catalog = new MemoryCatalog().addTool({ name: 'steps' }, async (_args, ctx) => {
      for (const progress of [1, 2])
        await ctx.sendNotification({
          method: 'notifications/progress',
          params: { progressToken: ctx.progressToken!, progress },
        });
      return { content: [{ type: 'text', text: 'done' }] };
    });
    h = await buildMcpTestApp({ catalog });
  });
  afterEach(() => h.close());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    h.app.inject({
      method: 'POST',
      url: '/mcp',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...auth(),
        ...headers,
      },
      payload: JSON.stringify(body),
    });

  async function open(protocolVersion: string): Promise<Record<string, string>> {
    const res = await post({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion, capabilities: {}, clientInfo: { name: 'poller', version: '1' } },
    });
    const session = { 'mcp-session-id': res.headers['mcp-session-id'] as string };
    await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session);
    return session;
  }

  async function callSteps(session: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await post(
      {
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'steps', _meta: { progressToken: 'p' } },
      },
      { ...session, ...headers },
    );
    expect(res.headers['content-type']).toContain('text/event-stream');
    return parseSse(res.body);
  }

  const resume = (session: Record<string, string>, lastEventId: string) =>
    h.app.inject({
      method: 'GET',
      url: '/mcp',
      headers: { ...auth(), ...session, accept: 'text/event-stream', 'last-event-id': lastEventId },
    });

  it('opens a POST stream with a priming event (an id, a retry, empty data) before any message', async () => {
    const events = await callSteps(await open('2025-11-25'));
    expect(isPriming(events[0])).toBe(true);
    expect(Number(events[0]?.retry)).toBeGreaterThan(0);
    expect(messages(events)).toMatchObject([
      { method: 'notifications/progress', params: { progress: 1 } },
      { method: 'notifications/progress', params: { progress: 2 } },
      { id: 7, result: { content: [{ text: 'done' }] } },
    ]);
    const ids = events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('replays exactly the events after the given id, once each, from the priming id on', async () => {
    const session = await open('2025-11-25');
    const [priming, ...sent] = await callSteps(session);
    // From every id the POST stream handed out: what followed it, with the same ids, and nothing more.
    for (const [i, from] of [priming!, ...sent].entries()) {
      const res = await resume(session, from.id!);
      expect(res.statusCode).toBe(200);
      const [primed, ...replayed] = parseSse(res.body);
      // The resumed stream is primed at the client's own position: a second drop resumes from the same place.
      expect(isPriming(primed) && primed?.id === from.id).toBe(true);
      expect(replayed).toEqual(sent.slice(i));
    }
  });

  it('withholds priming from clients older than 2025-11-25, by the negotiated version or the request header', async () => {
    const older = await callSteps(await open('2025-06-18'));
    const downgraded = await callSteps(await open('2025-11-25'), { 'mcp-protocol-version': '2025-06-18' });
    for (const events of [older, downgraded]) {
      expect(events.some((e) => e.data === '' || e.retry !== undefined)).toBe(false);
      expect(messages(events)).toHaveLength(3);
    }
  });

  it('opens a GET stream with a priming event, and resuming from it replays what came after', async () => {
    const session = await open('2025-11-25');
    // A list_changed sent before any GET waits for the first one, after its priming event.
    h.catalog.addTool({ name: 'late' });
    const get = await h.app.inject({
      method: 'GET',
      url: '/mcp',
      headers: { ...auth(), ...session, accept: 'text/event-stream' },
      payloadAsStream: true,
    });
    const [priming, changed] = await readEvents(get.stream(), 2);
    expect(isPriming(priming)).toBe(true);
    expect(messages([changed!])).toEqual([{ jsonrpc: '2.0', method: 'notifications/tools/list_changed' }]);

    h.catalog.addTool({ name: 'later' });
    const resumed = await h.app.inject({
      method: 'GET',
      url: '/mcp',
      headers: { ...auth(), ...session, accept: 'text/event-stream', 'last-event-id': priming!.id! },
      payloadAsStream: true,
    });
    const [primed, ...replayed] = await readEvents(resumed.stream(), 3);
    expect(primed?.id).toBe(priming!.id);
    expect(replayed[0]).toEqual(changed);
    expect(messages(replayed)).toHaveLength(2);
    expect(replayed[1]?.id).not.toBe(changed!.id);
  });
});
