// Server-to-client requests of one session (sampling, elicitation, roots relayed from upstreams).
import { AppError } from '../errors/app-error.js';
import type { OutgoingOptions } from './peer.js';
import {
  idKey,
  isRecord,
  isRequestId,
  type JSONRPCMessage,
  type JSONRPCResponse,
  type RequestId,
} from './protocol/json-rpc.js';

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

export class OutgoingRequests {
  readonly #pending = new Map<string, Pending>();
  #next = 0;

  constructor(private readonly send: (message: JSONRPCMessage, related?: RequestId) => void) {}

  request(
    method: string,
    params: Record<string, unknown> | undefined,
    opts: OutgoingOptions,
  ): Promise<unknown> {
    // A prefix the client's own ids are unlikely to use keeps the two directions apart in logs.
    const id = `gw-${++this.#next}`;
    const key = idKey(id);
    return new Promise<unknown>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        opts.signal.removeEventListener('abort', onAbort);
        this.#pending.delete(key);
      };
      const onAbort = (): void => {
        finish();
        this.send(
          { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id } },
          opts.related,
        );
        reject(new AppError({ code: 'Unavailable', message: `${method} was cancelled` }));
      };
      const timer = setTimeout(() => {
        finish();
        reject(new AppError({ code: 'Timeout', message: `The client did not answer ${method} in time` }));
      }, opts.timeoutMs);
      timer.unref();
      if (opts.signal.aborted) return onAbort();
      opts.signal.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(key, {
        resolve: (result) => (finish(), resolve(result)),
        reject: (error) => (finish(), reject(error)),
      });
      this.send({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }, opts.related);
    });
  }

  /** Delivers a client's response; responses to ids we never sent are ignored. */
  settle(response: JSONRPCResponse): void {
    if (!isRequestId(response.id)) return;
    const pending = this.#pending.get(idKey(response.id));
    if (pending === undefined) return;
    if ('result' in response) return pending.resolve(response.result);
    const error: Record<string, unknown> = isRecord(response.error) ? response.error : {};
    pending.reject(
      new AppError({
        code: 'UpstreamFailed',
        message: typeof error.message === 'string' ? error.message : 'The client answered with an error',
        data: error,
      }),
    );
  }

  rejectAll(reason: string): void {
    for (const pending of [...this.#pending.values()])
      pending.reject(new AppError({ code: 'Unavailable', message: reason }));
  }
}
