// PostReply: the answer to one POST carrying requests: one JSON body, or an SSE stream once anything precedes a response.
import type { ServerResponse } from 'node:http';
import type { JSONRPCMessage, JSONRPCResponse } from '../protocol/json-rpc.js';
import type { EventStore } from './event-store.js';
import { writeAccepted, writeMessages, type Headers } from './http-io.js';
import { SseStream } from './sse-stream.js';

export interface PostReplyOptions {
  /** The client listed text/event-stream in Accept: related messages may upgrade the answer to a stream. */
  streamable: boolean;
  /** The POST body was a JSON array: a JSON answer is an array too. */
  batch: boolean;
  headers: Headers;
  keepAliveMs: number;
  /** A session's store: stream events get ids and stay replayable with Last-Event-ID. */
  events?: EventStore;
  /** With a store: the stream opens with a priming event carrying this `retry` (ms); absent: no priming. */
  primeRetryMs?: number;
}

/**
 * JSON is the default answer (cheapest, and what curl users expect). The first message that must reach
 * the client before a response (progress, a log line, a server-to-client request) turns the answer into
 * an SSE stream that carries everything in order and ends after the last response.
 */
export class PostReply {
  readonly #waiting = new Set<string>();
  #buffered: JSONRPCMessage[] = [];
  #sse: SseStream | undefined;
  #streamId: string | undefined;
  #done = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly opts: PostReplyOptions,
  ) {}

  get done(): boolean {
    return this.#done;
  }

  get streamId(): string | undefined {
    return this.#streamId;
  }

  /** Registers a response this POST must carry before it ends (keyed by request id key). */
  expect(key: string): void {
    this.#waiting.add(key);
  }

  /** A message related to one of this POST's requests, sent before that request's response. */
  send(message: JSONRPCMessage): void {
    // A JSON-only client cannot receive anything but the responses.
    if (this.#done || !this.opts.streamable) return;
    this.#upgrade();
    this.#emit(message);
  }

  /** The response for `key`, or undefined when the request ended without one (cancelled). */
  respond(key: string, response: JSONRPCResponse | undefined): void {
    if (this.#done || !this.#waiting.delete(key)) return;
    if (response !== undefined) {
      if (this.#sse === undefined) this.#buffered.push(response);
      else this.#emit(response);
    }
    if (this.#waiting.size === 0) this.#finish();
  }

  /** A client resuming this stream (GET with Last-Event-ID) receives the rest of it here. */
  attach(sse: SseStream): void {
    this.#sse = sse;
  }

  /** Ends the answer now (the session was deleted or closed underneath it). */
  abort(): void {
    if (this.#done) return;
    this.#waiting.clear();
    this.#finish();
  }

  #upgrade(): void {
    if (this.#sse !== undefined) return;
    const { events, primeRetryMs } = this.opts;
    this.#streamId = events?.newStream();
    this.#sse = new SseStream(this.res, { keepAliveMs: this.opts.keepAliveMs, headers: this.opts.headers });
    if (events !== undefined && this.#streamId !== undefined && primeRetryMs !== undefined)
      this.#sse.prime(events.cursor(this.#streamId, 0), primeRetryMs);
    const buffered = this.#buffered;
    this.#buffered = [];
    for (const message of buffered) this.#emit(message);
  }

  #emit(message: JSONRPCMessage): void {
    const data = JSON.stringify(message);
    // Stored even when the client is gone: a disconnect is not a cancellation, it may come back for them.
    const id = this.#streamId === undefined ? undefined : this.opts.events?.append(this.#streamId, data);
    this.#sse?.event(data, id === undefined ? {} : { id });
  }

  #finish(): void {
    this.#done = true;
    if (this.#sse !== undefined) this.#sse.end();
    else if (this.#buffered.length === 0) writeAccepted(this.res, this.opts.headers);
    else writeMessages(this.res, this.#buffered, this.opts.batch, this.opts.headers);
  }
}
