// EventStore: replay after Last-Event-ID, and the bounds that keep a session from holding every response forever.
import { describe, expect, it } from 'vitest';
import { EventStore, type EventStoreLimits } from '../../../../src/mcp/transports/event-store.js';

const roomy: EventStoreLimits = {
  maxEventsPerStream: 100,
  maxBytesPerStream: 1 << 20,
  maxStreams: 10,
  ttlMs: 60_000,
};

function storeWith(limits: Partial<EventStoreLimits> = {}) {
  const clock = { now: 1_000_000 };
  return { clock, store: new EventStore({ ...roomy, ...limits }, () => clock.now) };
}

describe('EventStore', () => {
  it('replays exactly the events after the given id, on that stream only', () => {
    const { store } = storeWith();
    const a = store.newStream();
    const b = store.newStream();
    const a1 = store.append(a, 'a1')!;
    store.append(b, 'b1');
    store.append(a, 'a2');
    store.append(a, 'a3');
    expect(store.replayAfter(a1)).toMatchObject({ streamId: a, events: [{ data: 'a2' }, { data: 'a3' }] });
    expect(store.replayAfter(`${a}.3`)?.events).toEqual([]);
  });

  it('refuses ids it cannot honour: unknown, forged, from the future', () => {
    const { store } = storeWith();
    const a = store.newStream();
    store.append(a, 'a1');
    for (const id of ['nope', `${a}.x`, `${a}.9`, 'other.1', '.1', '__proto__.1'])
      expect(store.replayAfter(id), id).toBeUndefined();
  });

  it('keeps at most maxEventsPerStream events and will not pretend to resume across the gap', () => {
    const { store } = storeWith({ maxEventsPerStream: 2 });
    const s = store.newStream();
    const first = store.append(s, 'e1')!;
    const second = store.append(s, 'e2')!;
    store.append(s, 'e3');
    store.append(s, 'e4');
    expect(store.since(s, 0).map((e) => e.data)).toEqual(['e3', 'e4']);
    expect(store.replayAfter(first)).toBeUndefined();
    expect(store.replayAfter(second)?.events.map((e) => e.data)).toEqual(['e3', 'e4']);
  });

  it("resumes from a stream's start cursor (a priming id) until its first event is dropped", () => {
    const { store } = storeWith({ maxEventsPerStream: 2 });
    const s = store.newStream();
    const start = store.cursor(s, 0);
    expect(store.replayAfter(start)).toEqual({ streamId: s, after: 0, events: [] });
    store.append(s, 'e1');
    store.append(s, 'e2');
    expect(store.replayAfter(start)?.events.map((e) => e.data)).toEqual(['e1', 'e2']);
    store.append(s, 'e3');
    expect(store.replayAfter(start)).toBeUndefined();
  });

  it('keeps at most maxBytesPerStream bytes of event data', () => {
    const { store } = storeWith({ maxBytesPerStream: 10 });
    const s = store.newStream();
    for (const data of ['aaaa', 'bbbb', 'cccc']) store.append(s, data);
    expect(store.since(s, 0).map((e) => e.data)).toEqual(['bbbb', 'cccc']);
  });

  it('expires events older than the TTL', () => {
    const { store, clock } = storeWith({ ttlMs: 1000 });
    const s = store.newStream();
    store.append(s, 'old');
    clock.now += 800;
    store.append(s, 'new');
    clock.now += 400;
    expect(store.since(s, 0).map((e) => e.data)).toEqual(['new']);
  });

  it('keeps at most maxStreams streams, dropping the oldest', () => {
    const { store } = storeWith({ maxStreams: 2 });
    const first = store.newStream();
    store.newStream();
    store.newStream();
    expect(store.hasStream(first)).toBe(false);
    expect(store.append(first, 'late')).toBeUndefined();
  });
});
