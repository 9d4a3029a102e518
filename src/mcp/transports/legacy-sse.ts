// Legacy HTTP+SSE (2024-11 style): GET /sse opens the stream and names a POST endpoint; answers travel on the stream.
import type { Dispatcher } from '../dispatcher.js';
import type { LiveSession, SessionChannel } from '../live-session.js';
import { classifyMessage, INVALID_REQUEST, JsonRpcError } from '../protocol/json-rpc.js';
import type { SessionHub } from '../session-hub.js';
import { RelayChannel } from '../session-relay.js';
import type { InboundRequest } from './inbound-request.js';
import { writeAccepted } from './http-io.js';
import { SseStream } from './sse-stream.js';

export interface LegacySseOptions {
  dispatcher: Dispatcher;
  hub: SessionHub;
  keepAliveMs: number;
}

/** The SSE response is the session: everything the server sends goes down it as `message` events. */
class SseChannel implements SessionChannel {
  constructor(readonly stream: SseStream) {}

  deliver(message: unknown): void {
    this.stream.event(JSON.stringify(message), { event: 'message' });
  }

  close(): void {
    this.stream.end();
  }
}

export class LegacySse {
  constructor(private readonly opts: LegacySseOptions) {}

  /** GET: opens the session; `messagePath` is the POST endpoint the client is told to use. */
  async open(http: InboundRequest, messagePath: string): Promise<void> {
    let sessionId: string | undefined;
    const session = await this.opts.hub.open(http.principal, http.scope, 'sse', (record, touch) => {
      sessionId = record.id;
      const stream = new SseStream(http.res, {
        keepAliveMs: this.opts.keepAliveMs,
        onKeepAlive: touch,
        // A closed stream ends the session: nothing else could carry its answers.
        onClose: () => void this.opts.hub.terminate(record.id, 'SSE stream closed').catch(() => undefined),
      });
      return new SseChannel(stream);
    });
    if (sessionId === undefined) return;
    // ContextForge names the parameter session_id; the MCP SDK's server uses sessionId. We send the
    // former and accept both.
    channelOf(session).stream.event(`${messagePath}?session_id=${encodeURIComponent(sessionId)}`, {
      event: 'endpoint',
    });
  }

  /** POST: accepted at once (202); the dispatcher's answers go down the session's SSE stream. */
  async message(http: InboundRequest, sessionId: string | undefined, body: unknown): Promise<void> {
    if (sessionId === undefined)
      throw new JsonRpcError(
        INVALID_REQUEST,
        'Bad Request: the session_id query parameter is required',
        undefined,
        400,
      );
    // A stream held by another instance: the answers go to it over the event bus.
    const session = await this.opts.hub.resolve(sessionId, http.principal, http.scope, (record) =>
      record.transport === 'sse' ? this.opts.hub.relay(record.id) : undefined,
    );
    if (!(session.channel instanceof SseChannel || session.channel instanceof RelayChannel))
      throw notLegacy();
    const messages: unknown[] = Array.isArray(body) ? body : [body];
    const invalid = messages.map((m) => classifyMessage(m)).find((k) => k.kind === 'invalid');
    if (invalid !== undefined)
      throw new JsonRpcError(INVALID_REQUEST, `Invalid Request: ${invalid.reason}`, undefined, 400);
    writeAccepted(http.res);
    for (const message of messages)
      void this.opts.dispatcher.handle(session, message).then((response) => {
        if (response !== undefined) session.send(response);
      });
  }
}

function channelOf(session: LiveSession): SseChannel {
  if (session.channel instanceof SseChannel) return session.channel;
  throw notLegacy();
}

/** A Streamable HTTP or WebSocket session id sent to the legacy endpoint. */
const notLegacy = (): JsonRpcError => new JsonRpcError(INVALID_REQUEST, 'Session not found', undefined, 404);
