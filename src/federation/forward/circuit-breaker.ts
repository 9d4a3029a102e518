// CircuitBreaker: after N consecutive upstream failures a gateway fails fast for a cool-down, then one trial call decides.
import { AppError } from '../../errors/app-error.js';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  threshold: number;
  /** How long an open circuit refuses calls before letting one trial through (ms). */
  cooldownMs: number;
  now?: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  readonly #opts: Required<CircuitBreakerOptions>;
  #failures = 0;
  #openedAt: number | undefined;
  #trialRunning = false;

  constructor(opts: CircuitBreakerOptions) {
    this.#opts = { now: () => Date.now(), ...opts };
  }

  get state(): CircuitState {
    if (this.#openedAt === undefined) return 'closed';
    return this.#opts.now() - this.#openedAt >= this.#opts.cooldownMs ? 'half-open' : 'open';
  }

  /**
   * Lets a call through or throws Unavailable at once. Half-open admits exactly one trial; until it settles
   * every other call still fails fast, so a recovering upstream is not hit by the whole backlog.
   */
  admit(gateway: string): void {
    const state = this.state;
    if (state === 'closed') return;
    if (state === 'half-open' && !this.#trialRunning) {
      this.#trialRunning = true;
      return;
    }
    const waitMs = Math.max(0, this.#opts.cooldownMs - (this.#opts.now() - (this.#openedAt ?? 0)));
    throw new AppError({
      code: 'Unavailable',
      message: `gateway ${gateway} is unavailable (circuit open after ${this.#failures} failures); retrying in ${Math.ceil(waitMs / 1000)}s`,
      data: { gateway, circuit: state, retryAfterSeconds: Math.ceil(waitMs / 1000) },
    });
  }

  success(): void {
    this.#failures = 0;
    this.#openedAt = undefined;
    this.#trialRunning = false;
  }

  failure(): void {
    this.#failures += 1;
    this.#trialRunning = false;
    if (this.#openedAt !== undefined || this.#failures >= this.#opts.threshold)
      this.#openedAt = this.#opts.now();
  }

  /** A call that proved nothing either way (the client cancelled it): a trial slot it held is freed. */
  release(): void {
    this.#trialRunning = false;
  }
}
