// Session relay: what travels on a session's bus topic between the instance holding its stream and the others.
import type { BusPayload, EventBus } from '../cache/event-bus.js';
import type { SessionChannel } from './live-session.js';
import {
  classifyMessage,
  isRecord,
  isRequestId,
  type JSONRPCMessage,
  type JSONRPCResponse,
  type RequestId,
} from './protocol/json-rpc.js';

export const sessionTopic = (id: string): string => `session:${id}`;

/**
 * `close`: the session ended; every instance ends its streams. `message`: for the client, written by the
 * instance holding the stream. `answer`: the client's answer to a server-to-client request, settled by the
 * instance that asked. `cancel`: the client cancelled a request; the instance serving it aborts it.
 */
export type RelayedMessage =
  | { type: 'close'; reason: string }
  | { type: 'message'; message: JSONRPCMessage }
  | { type: 'answer'; response: JSONRPCResponse }
  | { type: 'cancel'; requestId: RequestId; reason: string };

/** A relayed message as published by another instance, or undefined for one this version does not understand. */
export function relayedOf(payload: BusPayload): RelayedMessage | undefined {
  if (!isRecord(payload)) return undefined;
  if (payload.type === 'close')
    return { type: 'close', reason: typeof payload.reason === 'string' ? payload.reason : 'Session ended' };
  if (payload.type === 'message' && isRecord(payload.message) && payload.message.jsonrpc === '2.0')
    return { type: 'message', message: payload.message as unknown as JSONRPCMessage };
  if (payload.type === 'cancel' && isRequestId(payload.requestId) && typeof payload.reason === 'string')
    return { type: 'cancel', requestId: payload.requestId, reason: payload.reason };
  if (payload.type === 'answer') {
    const kind = classifyMessage(payload.response);
    if (kind.kind === 'response') return { type: 'answer', response: kind.message };
  }
  return undefined;
}

export interface RelayLogger {
  error(obj: unknown, msg?: string): void;
}

/**
 * The channel of a session whose stream another instance holds (a legacy SSE POST landing here): every message
 * goes to the session's topic, and the holder writes it to the stream. The bus keeps one publisher's order.
 */
export class RelayChannel implements SessionChannel {
  constructor(
    private readonly bus: EventBus,
    private readonly sessionId: string,
    private readonly logger: RelayLogger,
  ) {}

  deliver(message: JSONRPCMessage): void {
    const payload = { type: 'message', message } as unknown as BusPayload;
    this.bus
      .publish(sessionTopic(this.sessionId), payload)
      .catch((error: unknown) =>
        this.logger.error(
          { err: error, sessionId: this.sessionId },
          'MCP message relay to the stream holder failed',
        ),
      );
  }

  /** The stream is the holder's: nothing to end here. */
  close(): void {}
}
