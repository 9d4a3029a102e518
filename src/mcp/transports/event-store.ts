// EventStore: the recent SSE events of one session's streams, for Last-Event-ID replay; bounded and expiring.
import { randomBytes } from 'node:crypto';

export interface EventStoreLimits {
  /** Events kept per stream; the oldest go first. */
  maxEventsPerStream: number;
  /** Bytes of event data kept per stream. */
  maxBytesPerStream: number;
  /** Streams kept per session (a finished POST stream stays replayable until pushed out or expired). */
  maxStreams: number;
  /** Milliseconds an event stays replayable (MESSAGE_TTL). */
  ttlMs: number;
}

interface StoredEvent {
  seq: number;
  id: string;
  data: string;
  at: number;
}

interface Stream {
  events: StoredEvent[];
  bytes: number;
  seq: number;
}

export interface ReplayedEvent {
  seq: number;
  id: string;
  data: string;
}

export interface Replay {
  streamId: string;
  /** The sequence number the replay starts after (the client's position). */
  after: number;
  events: ReplayedEvent[];
}

export class EventStore {
  // Insertion order doubles as age order, so the first key is the stream to evict.
  readonly #streams = new Map<string, Stream>();

  constructor(
    private readonly limits: EventStoreLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** A fresh stream id: random, so one client cannot guess another stream's event ids. */
  newStream(): string {
    const id = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x');
    this.#streams.set(id, { events: [], bytes: 0, seq: 0 });
    while (this.#streams.size > this.limits.maxStreams) {
      const oldest = this.#streams.keys().next().value;
      if (oldest === undefined) break;
      this.#streams.delete(oldest);
    }
    return id;
  }

  /** Stores an event and returns its id (`<stream>.<seq>`), or undefined when the stream was evicted. */
  append(streamId: string, data: string): string | undefined {
    const stream = this.#streams.get(streamId);
    if (stream === undefined) return undefined;
    const seq = ++stream.seq;
    const id = this.cursor(streamId, seq);
    stream.events.push({ seq, id, data, at: this.now() });
    stream.bytes += Buffer.byteLength(data);
    this.#trim(stream);
    return id;
  }

  /**
   * The id of a position in a stream: after event `seq`, or the stream's start for 0. Replaying after it
   * yields exactly what follows, which is what a priming event hands the client.
   */
  cursor(streamId: string, seq: number): string {
    return `${streamId}.${seq}`;
  }

  /** The events after `lastEventId` on its stream, or undefined when that id is unknown or expired. */
  replayAfter(lastEventId: string): Replay | undefined {
    const dot = lastEventId.lastIndexOf('.');
    const streamId = lastEventId.slice(0, dot);
    const seq = Number(lastEventId.slice(dot + 1));
    const stream = dot > 0 ? this.#streams.get(streamId) : undefined;
    if (stream === undefined || !Number.isInteger(seq)) return undefined;
    this.#trim(stream);
    const first = stream.events[0];
    // An id older than everything kept means events were lost: the caller must not pretend to resume.
    if (seq > stream.seq || (first?.seq ?? stream.seq + 1) > seq + 1) return undefined;
    return { streamId, after: seq, events: this.since(streamId, seq) };
  }

  /** The kept events of a stream after sequence number `seq` (gaps from eviction are not detected). */
  since(streamId: string, seq: number): ReplayedEvent[] {
    const stream = this.#streams.get(streamId);
    if (stream === undefined) return [];
    this.#trim(stream);
    return stream.events.filter((e) => e.seq > seq).map(({ seq: n, id, data }) => ({ seq: n, id, data }));
  }

  hasStream(streamId: string): boolean {
    return this.#streams.has(streamId);
  }

  #trim(stream: Stream): void {
    const oldestAllowed = this.now() - this.limits.ttlMs;
    while (
      stream.events.length > 0 &&
      (stream.events.length > this.limits.maxEventsPerStream ||
        stream.bytes > this.limits.maxBytesPerStream ||
        (stream.events[0]?.at ?? Infinity) < oldestAllowed)
    ) {
      const dropped = stream.events.shift();
      if (dropped !== undefined) stream.bytes -= Buffer.byteLength(dropped.data);
    }
  }
}
