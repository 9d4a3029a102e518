// StreamableHttpUpstream: the client end of a Streamable HTTP MCP session, over the guarded undici agent.
import { setMaxListeners } from 'node:events';
import {
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  type JSONRPCMessage,
  type Transport,
} from '@modelcontextprotocol/client';
import type { Dispatcher } from 'undici';
import { Cancel, dispatchRequest, type Answer, type AnswerBody } from './dispatch-request.js';
import { readMessage, type MessageShape, type RequestKey } from './messages.js';
import { SseParser } from './sse-parser.js';
import type { UpstreamHeaders } from './upstream-headers.js';

export interface StreamableHttpUpstreamOptions {
  url: URL;
  /** The guarded agent: SSRF checks and pinned addresses apply to every connection. */
  dispatcher: Dispatcher;
  headers: UpstreamHeaders;
  /** Largest JSON body or SSE event accepted from the upstream, in bytes (default 32 MiB). */
  maxMessageBytes?: number;
  /** Retries after a stream's first failed reconnect (default 2): three failures in a row give it up. */
  reconnectAttempts?: number;
  /** First reconnect delay; it grows 1.5x per attempt unless the server sent `retry:` (default 1 s). */
  reconnectDelayMs?: number;
}

/** The stream that carried the upstream's own messages (GET) broke for good: the session is unusable. */
export class UpstreamStreamLost extends Error {
  override name = 'UpstreamStreamLost';
}

const ACCEPT = 'application/json, text/event-stream';
const MAX_REDIRECTS = 3;
const ERROR_BODY_BYTES = 8 * 1024;

const header = (answer: Answer, name: string): string | undefined => {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
};
const mediaType = (answer: Answer): string =>
  (header(answer, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();

/**
 * Why not the SDK's StreamableHTTPClientTransport: it parses every answer through web streams and checks every
 * message with zod, which made a forwarded call cost the gateway several times what the upstream spends on it
 * (bench/federation: 0.39x of the direct path). This one keeps what a gateway needs: session id and protocol
 * version headers, JSON or SSE answers, resumption with Last-Event-ID, the standalone GET stream, DELETE, and
 * same-origin 307/308 redirects. The SDK's Client still runs the protocol over it.
 */
export class StreamableHttpUpstream implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  readonly #opts: Required<StreamableHttpUpstreamOptions>;
  readonly #closing = new AbortController();
  /** Requests whose answers are being read, by JSON-RPC id. */
  readonly #calls = new Map<RequestKey, Cancel>();
  #sessionId: string | undefined;
  #protocolVersion: string | undefined;
  #serverRetryMs: number | undefined;
  #closed = false;

  constructor(opts: StreamableHttpUpstreamOptions) {
    this.#opts = { maxMessageBytes: 32 * 1024 * 1024, reconnectAttempts: 2, reconnectDelayMs: 1000, ...opts };
    // GET streams, resumptions and DELETE listen on it; calls have their own Cancel (see #calls).
    setMaxListeners(0, this.#closing.signal);
  }

  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  setProtocolVersion(version: string): void {
    this.#protocolVersion = version;
  }

  async start(): Promise<void> {
    // Nothing to open: every message is its own POST, and the GET stream opens after `initialized`.
  }

  /**
   * For a request, settles when its exchange is over: after the response was delivered through onmessage, or
   * with an error once the answer cannot come (HTTP error, the stream ended without it and could not resume).
   */
  async send(message: JSONRPCMessage): Promise<void> {
    const outgoing = readMessage(message);
    if (outgoing.kind !== 'request') return this.#post(message, outgoing);
    // A request's exchange lives as long as the call: no undici timeouts (a tool may run for an hour); the
    // client's own timeout or cancellation ends it, through the notifications/cancelled it sends.
    const call = new Cancel();
    this.#calls.set(outgoing.key, call);
    try {
      return await this.#post(message, outgoing, call);
    } finally {
      if (this.#calls.get(outgoing.key) === call) this.#calls.delete(outgoing.key);
    }
  }

  async #post(message: JSONRPCMessage, outgoing: MessageShape, call?: Cancel): Promise<void> {
    const initialize = outgoing.kind === 'request' && outgoing.method === 'initialize';
    let answer: Answer;
    try {
      answer = await this.#exchange('POST', JSON.stringify(message), { session: !initialize, call });
    } finally {
      if (outgoing.kind === 'notification' && outgoing.method === 'notifications/cancelled')
        this.#stopListening(message);
    }
    try {
      if (answer.statusCode < 200 || answer.statusCode >= 300) throw await this.#httpError('POST', answer);
      if (initialize) this.#sessionId = header(answer, 'mcp-session-id') ?? undefined;
      if (answer.statusCode === 202 || outgoing.kind !== 'request') {
        await answer.body.dump();
        if (outgoing.kind === 'notification' && outgoing.method === 'notifications/initialized')
          void this.#standalone(undefined);
        return;
      }
      const type = mediaType(answer);
      if (type === 'application/json')
        return this.#deliver(
          await answer.body.text(this.#opts.maxMessageBytes, { truncate: false }),
          outgoing.key,
        );
      if (type !== 'text/event-stream') {
        throw new SdkError(
          SdkErrorCode.ClientHttpUnexpectedContent,
          `Unexpected content type: ${header(answer, 'content-type') ?? 'none'}`,
          { contentType: header(answer, 'content-type') },
        );
      }
      const pending = new Set<RequestKey>([outgoing.key]);
      const lastId = await this.#consume(answer.body, pending);
      if (pending.size > 0) await this.#resume(lastId, pending, call);
    } finally {
      answer.body.destroy();
    }
  }

  /** Tells the upstream the session is over (DELETE; 405 means it does not support that). */
  async terminateSession(): Promise<void> {
    if (this.#sessionId === undefined) return;
    const answer = await this.#exchange('DELETE', undefined, { session: true });
    await answer.body.dump();
    if ((answer.statusCode < 200 || answer.statusCode >= 300) && answer.statusCode !== 405)
      throw new SdkHttpError(
        SdkErrorCode.ClientHttpFailedToTerminateSession,
        `Failed to terminate session: HTTP ${answer.statusCode}`,
        { status: answer.statusCode, statusText: '' },
      );
    this.#sessionId = undefined;
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    const reason = new SdkError(SdkErrorCode.ConnectionClosed, 'Connection closed');
    for (const call of this.#calls.values()) call.abort(reason);
    this.#calls.clear();
    this.#closing.abort(reason);
    this.onclose?.();
    return Promise.resolve();
  }

  /** One HTTP exchange with credentials, session headers, a 401 retry (OAuth) and same-origin 307/308. */
  /** The client gave up on a request (its timeout, or cancelled): the answer it was waiting on is dropped. */
  #stopListening(cancellation: JSONRPCMessage): void {
    const params = (cancellation as { params?: { requestId?: unknown } }).params;
    const id = params?.requestId;
    if (typeof id !== 'string' && typeof id !== 'number') return;
    this.#calls.get(id)?.abort(new SdkError(SdkErrorCode.RequestTimeout, `request ${id} was cancelled`));
  }

  /** `call`: the request's own signal (its exchange then has no undici timeouts); else the transport's. */
  async #exchange(
    method: 'POST' | 'GET' | 'DELETE',
    body: string | undefined,
    opts: { session: boolean; lastEventId?: string; call?: Cancel | undefined },
  ): Promise<Answer> {
    if (this.#closed) throw new SdkError(SdkErrorCode.ConnectionClosed, 'Connection closed');
    let url = this.#opts.url;
    for (let hop = 0, retried = false; ;) {
      const headers = await this.#opts.headers.current();
      headers.accept = method === 'GET' ? 'text/event-stream' : ACCEPT;
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (opts.session && this.#sessionId !== undefined) headers['mcp-session-id'] = this.#sessionId;
      if (this.#protocolVersion !== undefined) headers['mcp-protocol-version'] = this.#protocolVersion;
      if (opts.lastEventId !== undefined) headers['last-event-id'] = opts.lastEventId;
      const answer = await dispatchRequest(this.#opts.dispatcher, {
        url,
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: opts.call ?? this.#closing.signal,
        ...(opts.call === undefined ? {} : { unbounded: true }),
      });
      if (answer.statusCode === 401 && !retried && this.#opts.headers.rejected()) {
        retried = true;
        await answer.body.dump();
        continue;
      }
      const location = header(answer, 'location');
      if (
        (answer.statusCode === 307 || answer.statusCode === 308) &&
        location !== undefined &&
        hop < MAX_REDIRECTS
      ) {
        const next = new URL(location, url);
        if (next.origin === this.#opts.url.origin) {
          await answer.body.dump();
          url = next;
          hop += 1;
          continue;
        }
      }
      return answer;
    }
  }

  /** The SDK's codes for the same failures: a refused POST, or a GET stream that would not open. */
  async #httpError(method: 'POST' | 'GET', answer: Answer): Promise<SdkHttpError> {
    const text = (await answer.body.text(ERROR_BODY_BYTES, { truncate: true }).catch(() => '')).trim();
    const location = header(answer, 'location');
    const redirect = location === undefined ? '' : ` (redirect to ${location} not followed)`;
    return new SdkHttpError(
      method === 'GET' ? SdkErrorCode.ClientHttpFailedToOpenStream : SdkErrorCode.ClientHttpNotImplemented,
      `Error ${method}ing to endpoint: HTTP ${answer.statusCode}${redirect}${text === '' ? '' : `: ${text.slice(0, 500)}`}`,
      { status: answer.statusCode, statusText: '', text },
    );
  }

  /** Hands a JSON body (one message or a batch) to the client; `awaited` must be among the responses. */
  #deliver(text: string, awaited: RequestKey): void {
    const value: unknown = JSON.parse(text);
    let answered = false;
    for (const item of Array.isArray(value) ? value : [value]) {
      const incoming = readMessage(item);
      if (incoming.kind === 'response' && incoming.key === awaited) answered = true;
      this.onmessage?.(item as JSONRPCMessage);
    }
    if (!answered)
      throw new SdkError(SdkErrorCode.ConnectionClosed, 'the upstream answered without the response awaited');
  }

  /**
   * Reads an SSE stream to its end, handing each message to the client; responses leave `pending`. Returns
   * the last event id seen (where a resumed stream starts), undefined when the server sent none.
   */
  async #consume(body: AnswerBody, pending: Set<RequestKey>): Promise<string | undefined> {
    let lastId: string | undefined;
    const parser = new SseParser({
      maxEventChars: this.#opts.maxMessageBytes,
      onId: (id) => (lastId = id),
      onRetry: (ms) => (this.#serverRetryMs = ms),
      onEvent: ({ event, data }) => {
        if (event !== undefined && event !== 'message') return;
        let value: unknown;
        try {
          value = JSON.parse(data);
        } catch {
          this.onerror?.(new Error(`the upstream sent an SSE event that is not JSON: ${data.slice(0, 200)}`));
          return;
        }
        const incoming = readMessage(value);
        if (incoming.kind === 'invalid') {
          this.onerror?.(
            new Error(`the upstream sent something that is not JSON-RPC: ${data.slice(0, 200)}`),
          );
          return;
        }
        if (incoming.kind === 'response') pending.delete(incoming.key);
        this.onmessage?.(value as JSONRPCMessage);
      },
    });
    try {
      await body.read((chunk) => parser.push(chunk));
    } catch (error) {
      if (this.#closed) throw error;
      // A broken stream: resumable from lastId when the server numbered its events.
      if (lastId === undefined) throw error;
    }
    return lastId;
  }

  /** A POST stream ended before its response: resume it with GET + Last-Event-ID when the server allows. */
  async #resume(lastId: string | undefined, pending: Set<RequestKey>, call?: Cancel): Promise<void> {
    let from = lastId;
    for (let failures = 0; from !== undefined && failures <= this.#opts.reconnectAttempts;) {
      await this.#pause(failures);
      if (this.#closed || call?.aborted === true) break;
      try {
        const answer = await this.#exchange('GET', undefined, { session: true, lastEventId: from, call });
        if (answer.statusCode !== 200 || mediaType(answer) !== 'text/event-stream') {
          await answer.body.dump();
          failures += 1;
          continue;
        }
        from = (await this.#consume(answer.body, pending)) ?? from;
        if (pending.size === 0) return;
        failures = 0;
      } catch (error) {
        if (this.#closed) throw error;
        failures += 1;
      }
    }
    throw new SdkError(
      SdkErrorCode.ConnectionClosed,
      'the upstream ended the response stream before answering' +
        (lastId === undefined ? ' (and its events carry no ids to resume from)' : ''),
    );
  }

  /**
   * The standalone GET stream: requests and notifications the upstream sends outside any call (list_changed,
   * resources/updated). Reopened when it ends; a 405 means the upstream has none.
   */
  async #standalone(lastId: string | undefined): Promise<void> {
    for (let failures = 0; !this.#closed;) {
      try {
        const answer = await this.#exchange('GET', undefined, {
          session: true,
          ...(lastId === undefined ? {} : { lastEventId: lastId }),
        });
        if (answer.statusCode === 405) return void (await answer.body.dump());
        if (answer.statusCode !== 200) throw await this.#httpError('GET', answer);
        if (mediaType(answer) !== 'text/event-stream') {
          await answer.body.dump();
          throw new SdkError(
            SdkErrorCode.ClientHttpUnexpectedContent,
            `The upstream's event stream answered with ${header(answer, 'content-type') ?? 'no content type'}`,
          );
        }
        failures = 0;
        lastId = (await this.#consume(answer.body, new Set())) ?? lastId;
      } catch (error) {
        if (this.#closed) return;
        failures += 1;
        const expired = error instanceof SdkHttpError && error.status === 404;
        if (expired || failures > this.#opts.reconnectAttempts) {
          const reason = error instanceof Error ? error.message : String(error);
          this.onerror?.(
            new UpstreamStreamLost(`the upstream's event stream could not be reopened: ${reason}`),
          );
          return;
        }
      }
      await this.#pause(Math.max(0, failures - 1));
    }
  }

  /** Waits before reconnect `attempt` (0 first): the server's `retry:` if it sent one, else a growing delay. */
  #pause(attempt: number): Promise<void> {
    const delay = this.#serverRetryMs ?? this.#opts.reconnectDelayMs * 1.5 ** attempt;
    const signal = this.#closing.signal;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, delay);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
