// SessionReaper: on the leader instance only, deletes session records past SESSION_TTL that the backend keeps until asked.
import type { Kysely } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import type { Config } from '../config/load.js';
import { Lease } from '../store/lease.js';
import type { Database } from '../store/schema.js';
import type { SessionStore } from './session-store.js';

/** The leader lease (store/lease.ts): only its holder reaps. */
export interface ReaperLease {
  acquire(): Promise<boolean>;
  release(): Promise<void>;
}

export interface SessionReaperOptions {
  sessions: Pick<SessionStore, 'reapExpired'>;
  lease: ReaperLease;
  intervalMs: number;
  /** Called after each round that deleted records (the Prometheus counter). */
  onReaped?: (count: number) => void;
  log?: (message: string) => void;
}

export interface ReapResult {
  /** False when another instance holds the lease and this one deleted nothing. */
  leader: boolean;
  reaped: number;
}

export class SessionReaper {
  readonly #opts: SessionReaperOptions;
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<ReapResult> | undefined;
  #stopped = false;

  constructor(opts: SessionReaperOptions) {
    this.#opts = opts;
  }

  /** Runs a round every interval until stop(); rounds never overlap. */
  start(): void {
    if (this.#stopped || this.#timer !== undefined) return;
    const tick = (): void => {
      this.#timer = undefined;
      void this.runOnce()
        .catch((error: unknown) => this.#opts.log?.(`session reaper round failed: ${String(error)}`))
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, this.#opts.intervalMs);
        });
    };
    this.#timer = setTimeout(tick, this.#opts.intervalMs);
    this.#timer.unref();
  }

  runOnce(): Promise<ReapResult> {
    this.#round ??= this.#reap().finally(() => (this.#round = undefined));
    return this.#round;
  }

  /** Stops the loop, waits for a running round and gives the lease up so another instance takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#round?.catch(() => undefined);
    await this.#opts.lease.release().catch(() => undefined);
  }

  async #reap(): Promise<ReapResult> {
    if (!(await this.#opts.lease.acquire())) return { leader: false, reaped: 0 };
    const reaped = await this.#opts.sessions.reapExpired();
    if (reaped > 0) this.#opts.onReaped?.(reaped);
    return { leader: true, reaped };
  }
}

export interface StartSessionReaperDeps {
  config: Pick<Config, 'sessionTtl'>;
  sessions: Pick<SessionStore, 'reapExpired'>;
  db: Kysely<Database>;
  /** This instance's id (the lease holder). */
  holder: string;
  registry: Registry;
  log: (message: string) => void;
}

/** A tenth of SESSION_TTL between rounds, between 1 s and a minute: an expired row outlives its TTL by little. */
export function startSessionReaper(deps: StartSessionReaperDeps): SessionReaper {
  const intervalMs = Math.min(60_000, Math.max(1000, deps.config.sessionTtl * 100));
  const reaped = new Counter({
    name: 'mcpgateway_sessions_reaped_total',
    help: 'Expired MCP session records deleted by the session reaper on this instance',
    registers: [deps.registry],
  });
  const reaper = new SessionReaper({
    sessions: deps.sessions,
    // Three missed rounds before another instance takes over, as for health checks.
    lease: new Lease({ db: deps.db, name: 'session-reaper', holder: deps.holder, ttlMs: intervalMs * 3 }),
    intervalMs,
    onReaped: (count) => reaped.inc(count),
    log: deps.log,
  });
  reaper.start();
  return reaper;
}
