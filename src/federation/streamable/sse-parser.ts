// SseParser: text/event-stream bytes in, events out (the WHATWG event-stream rules), chunk by chunk.
import { StringDecoder } from 'node:string_decoder';

export interface SseEvent {
  /** The `event:` field; undefined means the default type, "message". */
  event: string | undefined;
  data: string;
}

export interface SseParserOptions {
  onEvent(event: SseEvent): void;
  /** Every `id:` field, as soon as its event is dispatched (the resumption point for Last-Event-ID). */
  onId?(id: string): void;
  /** A `retry:` field: the server's reconnection delay in milliseconds. */
  onRetry?(ms: number): void;
  /** Largest event (its data) accepted, in characters; a bigger one throws. */
  maxEventChars: number;
}

/**
 * Why not the SDK's parser: it runs through TextDecoderStream and EventSourceParserStream (web streams),
 * which cost a forwarded call more CPU than the rest of its path together (bench/federation --profile).
 */
export class SseParser {
  readonly #opts: SseParserOptions;
  readonly #decoder = new StringDecoder('utf8');
  #buffer = '';
  #data: string[] = [];
  #dataChars = 0;
  #event: string | undefined;
  #id: string | undefined;
  #first = true;

  constructor(opts: SseParserOptions) {
    this.#opts = opts;
  }

  push(chunk: Buffer): void {
    let text = this.#buffer + this.#decoder.write(chunk);
    if (this.#first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.#first = false;
    }
    let start = 0;
    for (;;) {
      const cr = text.indexOf('\r', start);
      const lf = text.indexOf('\n', start);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) break;
      // A CR at the very end may be the first half of CRLF: wait for the next chunk.
      if (end === cr && cr === text.length - 1) break;
      this.#line(text.slice(start, end));
      start = end === cr && text.charCodeAt(cr + 1) === 0x0a ? cr + 2 : end + 1;
    }
    this.#buffer = text.slice(start);
    if (this.#buffer.length > this.#opts.maxEventChars) this.#tooBig();
  }

  #line(line: string): void {
    if (line === '') return this.#dispatch();
    if (line.charCodeAt(0) === 0x3a) return; // ":" starts a comment (keep-alives)
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    switch (field) {
      case 'data':
        this.#dataChars += value.length + 1;
        if (this.#dataChars > this.#opts.maxEventChars) this.#tooBig();
        this.#data.push(value);
        return;
      case 'event':
        this.#event = value;
        return;
      case 'id':
        if (!value.includes('\0')) this.#id = value;
        return;
      case 'retry':
        if (/^\d+$/.test(value)) this.#opts.onRetry?.(Number(value));
        return;
    }
  }

  #dispatch(): void {
    if (this.#id !== undefined) this.#opts.onId?.(this.#id);
    this.#id = undefined;
    const event = this.#event;
    this.#event = undefined;
    const data = this.#data.join('\n');
    this.#data = [];
    this.#dataChars = 0;
    // As the spec says: no data, or one empty `data:` line (a resumption server's priming event), is no event.
    if (data !== '') this.#opts.onEvent({ event, data });
  }

  #tooBig(): never {
    throw new Error(`an SSE event from the upstream is larger than ${this.#opts.maxEventChars} characters`);
  }
}
