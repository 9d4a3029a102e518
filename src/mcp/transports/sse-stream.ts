// SseStream: one text/event-stream response with keep-alive comments and a bound on unsent bytes.
import type { ServerResponse } from 'node:http';
import type { Headers } from './http-io.js';

export interface SseStreamOptions {
  /** Milliseconds between `: keep-alive` comments (SSE_KEEPALIVE_INTERVAL); 0 disables. */
  keepAliveMs: number;
  /** A client that stops reading is cut off once this many bytes wait in the socket buffer. */
  maxBufferedBytes?: number;
  headers?: Headers;
  /** Runs once when the client goes away or the stream is ended. */
  onClose?: () => void;
  /** Runs on every keep-alive tick (sessions use it to stay fresh in the store). */
  onKeepAlive?: () => void;
}

const DEFAULT_MAX_BUFFERED = 4 * 1024 * 1024;

export class SseStream {
  #closed = false;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #maxBuffered: number;

  constructor(
    private readonly res: ServerResponse,
    private readonly opts: SseStreamOptions,
  ) {
    this.#maxBuffered = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx and similar proxies would otherwise buffer the stream until it ends.
      'x-accel-buffering': 'no',
      ...opts.headers,
    });
    res.flushHeaders();
    res.on('close', () => this.#finish());
    if (opts.keepAliveMs > 0) {
      this.#timer = setInterval(() => {
        this.comment('keep-alive');
        opts.onKeepAlive?.();
      }, opts.keepAliveMs);
      this.#timer.unref();
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  event(data: string, opts: { id?: string; event?: string } = {}): void {
    let frame = '';
    if (opts.event !== undefined) frame += `event: ${opts.event}\n`;
    if (opts.id !== undefined) frame += `id: ${opts.id}\n`;
    for (const line of data.split('\n')) frame += `data: ${line}\n`;
    this.#write(`${frame}\n`);
  }

  /**
   * The priming event (SEP-1699): the id a client resumes from with Last-Event-ID, empty data, and how long
   * to wait before reconnecting. Written first on every stream, so a client that loses the connection before
   * any message can still poll for the rest.
   */
  prime(id: string, retryMs: number): void {
    this.#write(`id: ${id}\nretry: ${retryMs}\ndata: \n\n`);
  }

  comment(text: string): void {
    this.#write(`: ${text}\n\n`);
  }

  end(): void {
    if (this.#closed) return;
    this.res.end();
    this.#finish();
  }

  #write(frame: string): void {
    if (this.#closed) return;
    if (this.res.writableLength > this.#maxBuffered) {
      // The client is not reading: drop it rather than hold its backlog in memory.
      this.res.destroy();
      this.#finish();
      return;
    }
    this.res.write(frame);
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.opts.onClose?.();
  }
}
