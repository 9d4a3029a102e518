// Server-to-client requests of one session (sampling, elicitation, roots relayed from upstreams).
import { randomBytes } from 'node:crypto';
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
  /**
   * Unique to this session's half on this instance: the client may answer on another instance, which relays
   * the answer to every instance holding the session, and only the asker may recognise the id.
   */
  readonly #prefix = `gw-${randomBytes(4).toString('hex')}-`;

  constructor(private readonly send: (message: JSONRPCMessage, related?: RequestId) => void) {}

  request(
    method: string,
    params: Record<string, unknown> | undefined,
    opts: OutgoingOptions,
  ): Promise<unknown> {
    // A prefix the client's own ids are unlikely to use keeps the two directions apart in logs.
    const id = `${this.#prefix}${++this.#next}`;
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

  /** Delivers a client's response; false (nothing done) when this side never sent its id or stopped waiting. */
  settle(response: JSONRPCResponse): boolean {
    if (!isRequestId(response.id)) return false;
    const pending = this.#pending.get(idKey(response.id));
    if (pending === undefined) return false;
    if ('result' in response) {
      pending.resolve(response.result);
      return true;
    }
    const error: Record<string, unknown> = isRecord(response.error) ? response.error : {};
    pending.reject(
      new AppError({
        code: 'UpstreamFailed',
        message: typeof error.message === 'string' ? error.message : 'The client answered with an error',
        data: error,
      }),
    );
    return true;
  }

  rejectAll(reason: string): void {
    for (const pending of [...this.#pending.values()])
      pending.reject(new AppError({ code: 'Unavailable', message: reason }));
  }
}
