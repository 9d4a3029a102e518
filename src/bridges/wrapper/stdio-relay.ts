// Relays raw JSON-RPC between a stdio client and the gateway, both ways, adding only timeouts and error answers.
import type { Transport } from '@modelcontextprotocol/server';
import { AppError, isAppError } from '../../errors/app-error.js';
import type { ErrorCode } from '../../errors/codes.js';
import {
  asRpcMessage,
  errorResponse,
  idKey,
  isNotification,
  isRequest,
  isResponse,
  type RpcId,
  type RpcMessage,
} from '../../lib/rpc-message.js';
import { httpStatusOfError } from './upstream-link.js';

export interface Upstream {
  start(): Promise<void>;
  send(message: RpcMessage): Promise<void>;
  close(): Promise<void>;
}

export interface StdioRelayOptions {
  /** The client side (a stdio server transport in production, an in-memory one in tests). */
  downstream: Transport;
  connectUpstream: (onMessage: (message: RpcMessage) => void) => Upstream;
  /** A request unanswered for this long gets a Timeout error and is cancelled upstream; 0 = never. */
  requestTimeoutMs: number;
  log: (line: string) => void;
  maxInFlight?: number;
}

const STATUS_CODES = new Map<number, ErrorCode>([
  [401, 'Unauthorized'],
  [403, 'Forbidden'],
  [404, 'NotFound'],
  [413, 'PayloadTooLarge'],
  [429, 'RateLimited'],
  [503, 'Unavailable'],
  [504, 'Timeout'],
]);

/** Why the gateway could not take a request, as the error the client will see. */
function describeFailure(error: unknown): AppError {
  if (isAppError(error)) return error;
  const status = httpStatusOfError(error);
  const reason = error instanceof Error ? error.message : String(error);
  const code = status === undefined ? 'UpstreamFailed' : (STATUS_CODES.get(status) ?? 'UpstreamFailed');
  const prefix = status === undefined ? 'gateway unreachable' : `gateway answered HTTP ${status}`;
  return new AppError({ code, message: `${prefix}: ${reason}` });
}

/** Runs until the client closes its side; resolves then, after ending the upstream session. */
export async function runStdioRelay(opts: StdioRelayOptions): Promise<void> {
  const { downstream, log } = opts;
  const maxInFlight = opts.maxInFlight ?? 1000;
  const inFlight = new Map<string, NodeJS.Timeout | undefined>();

  const toClient = (message: RpcMessage): void => {
    downstream
      .send(message as Parameters<Transport['send']>[0])
      .catch((e: Error) => log(`stdout: ${e.message}`));
  };
  const settle = (id: RpcId): boolean => {
    const key = idKey(id);
    if (!inFlight.has(key)) return false;
    clearTimeout(inFlight.get(key));
    inFlight.delete(key);
    return true;
  };
  const fail = (id: RpcId, error: AppError): void => {
    if (settle(id)) toClient(errorResponse(id, error.code, error.message));
  };

  const upstream = opts.connectUpstream((message) => {
    // An answer after its timeout or cancellation was already replaced by an error: drop it.
    if (isResponse(message) && !settle(message.id)) return;
    toClient(message);
  });

  const fromClient = (message: RpcMessage): void => {
    if (isRequest(message)) {
      const key = idKey(message.id);
      if (inFlight.has(key) || inFlight.size >= maxInFlight) {
        const why = inFlight.has(key) ? 'is already in flight' : `exceeds ${maxInFlight} requests in flight`;
        toClient(errorResponse(message.id, 'BadRequest', `request id ${String(message.id)} ${why}`));
        return;
      }
      const timer =
        opts.requestTimeoutMs > 0
          ? setTimeout(() => {
              const seconds = opts.requestTimeoutMs / 1000;
              fail(
                message.id,
                new AppError({ code: 'Timeout', message: `gateway did not answer within ${seconds}s` }),
              );
              const params = { requestId: message.id, reason: 'timeout' };
              upstream
                .send({ jsonrpc: '2.0', method: 'notifications/cancelled', params })
                .catch(() => undefined);
            }, opts.requestTimeoutMs)
          : undefined;
      inFlight.set(key, timer);
    } else if (isNotification(message) && message.method === 'notifications/cancelled') {
      const requestId = message.params?.requestId;
      if (typeof requestId === 'string' || typeof requestId === 'number') settle(requestId);
    }
    upstream.send(message).catch((error: unknown) => {
      const failure = describeFailure(error);
      log(failure.message);
      if (isRequest(message)) fail(message.id, failure);
    });
  };

  const closed = new Promise<void>((resolve) => {
    downstream.onclose = () => resolve();
  });
  downstream.onmessage = (raw) => {
    const message = asRpcMessage(raw);
    if (message !== undefined) fromClient(message);
  };
  downstream.onerror = (error) => log(`stdin: ${error.message}`);

  await upstream.start();
  await downstream.start();
  await closed;
  for (const timer of inFlight.values()) clearTimeout(timer);
  await upstream.close();
}
