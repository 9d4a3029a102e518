// readMessage: what a JSON-RPC message is, by its shape only (the SDK's Client checks the rest).
export type RequestKey = string | number;

export type MessageShape =
  | { kind: 'request'; method: string; key: RequestKey }
  | { kind: 'notification'; method: string }
  | { kind: 'response'; key: RequestKey }
  | { kind: 'invalid' };

const isKey = (id: unknown): id is RequestKey => typeof id === 'string' || typeof id === 'number';

/** Cheap on purpose: it runs on every message of every forwarded call (the SDK's zod parse did not). */
export function readMessage(value: unknown): MessageShape {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'invalid' };
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') return { kind: 'invalid' };
  if (typeof m.method === 'string')
    return isKey(m.id)
      ? { kind: 'request', method: m.method, key: m.id }
      : { kind: 'notification', method: m.method };
  if (isKey(m.id) && ('result' in m || 'error' in m)) return { kind: 'response', key: m.id };
  return { kind: 'invalid' };
}
