// Drain: counts the MCP requests being handled, so shutdown can let them finish before sessions close.
import { AppError } from '../errors/app-error.js';

/** What a request arriving after shutdown began is told, on every endpoint (REST and MCP alike). */
export function shuttingDown(): AppError {
  return new AppError({
    code: 'Unavailable',
    message:
      'The gateway is shutting down: send the request again (another instance, or this one once restarted)',
  });
}

export class Drain {
  #active = 0;
  #closing = false;
  #onIdle: (() => void) | undefined;

  /** True once close() was called: no new request is admitted. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Requests being handled now. */
  get active(): number {
    return this.#active;
  }

  /** Counts one request in; false once closing (the caller refuses the request instead). */
  enter(): boolean {
    if (this.#closing) return false;
    this.#active++;
    return true;
  }

  leave(): void {
    this.#active--;
    if (this.#active === 0) this.#onIdle?.();
  }

  /**
   * Admits nothing more and resolves true once the last request left, or false after `timeoutMs` with some
   * still running. Resolution waits one macrotask past the last leave(): the transport writes a response in
   * the continuation of the dispatcher's promise, and that write must be issued before sessions are closed.
   */
  close(timeoutMs: number): Promise<boolean> {
    this.#closing = true;
    return new Promise((resolve) => {
      const finish = (drained: boolean): void => {
        clearTimeout(timer);
        this.#onIdle = undefined;
        setImmediate(() => resolve(drained));
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      if (this.#active === 0) finish(true);
      else this.#onIdle = () => finish(true);
    });
  }
}
