// tapNotifications: sees an upstream's notifications as they arrive, ahead of the SDK, so relayed ones keep their order.
import type { Client, JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/client';

export interface InboundNotification {
  method: string;
  params?: Record<string, unknown>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Wraps the connected transport's message callback. `take` returns true for a notification it handled, which
 * the SDK then never sees. Why: the SDK runs notification handlers a microtask late and forgets a request's
 * progress handler the moment its response arrives, so a progress notification sent right before the result
 * was dropped ("unknown token") and logs could trail the result. Handled here, synchronously, they reach the
 * client before the result does, in upstream order (DESIGN §5).
 */
export function tapNotifications(client: Client, take: (notification: InboundNotification) => boolean): void {
  const transport = client.transport;
  if (transport === undefined) return;
  const inner = transport.onmessage;
  const tapped = (message: JSONRPCMessage, extra?: MessageExtraInfo): void => {
    const m: unknown = message;
    if (isRecord(m) && typeof m.method === 'string' && !('id' in m)) {
      const params = isRecord(m.params) ? m.params : undefined;
      if (take({ method: m.method, ...(params === undefined ? {} : { params }) })) return;
    }
    inner?.call(transport, message, extra);
  };
  transport.onmessage = tapped;
}
