// StreamableChannel: a Streamable HTTP session's way to the client: POST answers, one standalone GET stream, replay.
import type { ServerResponse } from 'node:http';
import type { SessionChannel } from '../live-session.js';
import { idKey, type JSONRPCMessage, type RequestId } from '../protocol/json-rpc.js';
import { EventStore, type EventStoreLimits } from './event-store.js';
import type { Headers } from './http-io.js';
import type { PostReply } from './post-reply.js';
import { SseStream } from './sse-stream.js';

export interface StreamableChannelOptions {
  limits: EventStoreLimits;
  keepAliveMs: number;
  onKeepAlive?: () => void;
}

export class StreamableChannel implements SessionChannel {
  readonly events: EventStore;
  /** Open requests by id key → the POST answering them; messages related to a request follow it there. */
  readonly #routes = new Map<string, PostReply>();
  readonly #standaloneId: string;
  #standalone: SseStream | undefined;
  /** Sequence number of the last standalone event written to an open GET stream. */
  #standaloneSent = 0;
  #closed = false;

  constructor(private readonly opts: StreamableChannelOptions) {
    this.events = new EventStore(opts.limits);
    this.#standaloneId = this.events.newStream();
  }

  track(id: RequestId, exchange: PostReply): void {
    this.#routes.set(idKey(id), exchange);
  }

  untrack(id: RequestId): void {
    this.#routes.delete(idKey(id));
  }

  deliver(message: JSONRPCMessage, related?: RequestId): void {
    const exchange = related === undefined ? undefined : this.#routes.get(idKey(related));
    if (exchange !== undefined && !exchange.done) return exchange.send(message);
    // Not tied to an open request: the standalone stream, stored even while no GET is open.
    this.events.append(this.#standaloneId, JSON.stringify(message));
    if (this.hasStandalone) this.#flushStandalone();
  }

  get hasStandalone(): boolean {
    return this.#standalone !== undefined && !this.#standalone.closed;
  }

  /**
   * A GET without Last-Event-ID. It first receives what no GET stream has carried yet (a list_changed
   * sent between initialize and the client's GET is not lost), then everything new.
   */
  openStandalone(res: ServerResponse, headers: Headers, primeRetryMs?: number): void {
    this.#standalone = this.#stream(res, headers);
    if (this.#closed) return this.#standalone.end();
    // Primed at what earlier GET streams carried: resuming from it replays exactly what this one is about to send.
    if (primeRetryMs !== undefined)
      this.#standalone.prime(this.events.cursor(this.#standaloneId, this.#standaloneSent), primeRetryMs);
    this.#flushStandalone();
  }

  /**
   * GET with Last-Event-ID: replays what the client missed on that stream and continues it (the
   * standalone stream, or a POST stream still answering). False when the id is unknown or expired.
   */
  resume(lastEventId: string, res: ServerResponse, headers: Headers, primeRetryMs?: number): boolean {
    const replay = this.events.replayAfter(lastEventId);
    if (replay === undefined) return false;
    const sse = this.#stream(res, headers);
    // Primed at the client's own position: dropped again mid-replay, it resumes from the same place.
    if (primeRetryMs !== undefined)
      sse.prime(this.events.cursor(replay.streamId, replay.after), primeRetryMs);
    for (const event of replay.events) sse.event(event.data, { id: event.id });
    if (replay.streamId === this.#standaloneId) {
      if (this.hasStandalone) this.#standalone?.end();
      this.#standalone = sse;
      this.#standaloneSent = Math.max(this.#standaloneSent, replay.events.at(-1)?.seq ?? 0);
      this.#flushStandalone();
      return true;
    }
    const exchange = [...this.#routes.values()].find((e) => e.streamId === replay.streamId && !e.done);
    if (exchange === undefined) sse.end();
    else exchange.attach(sse);
    return true;
  }

  #flushStandalone(): void {
    const stream = this.#standalone;
    if (stream === undefined) return;
    for (const event of this.events.since(this.#standaloneId, this.#standaloneSent)) {
      stream.event(event.data, { id: event.id });
      this.#standaloneSent = event.seq;
    }
  }

  close(): void {
    this.#closed = true;
    this.#standalone?.end();
    for (const exchange of this.#routes.values()) exchange.abort();
    this.#routes.clear();
  }

  #stream(res: ServerResponse, headers: Headers): SseStream {
    return new SseStream(res, {
      keepAliveMs: this.opts.keepAliveMs,
      headers,
      ...(this.opts.onKeepAlive === undefined ? {} : { onKeepAlive: this.opts.onKeepAlive }),
    });
  }
}
