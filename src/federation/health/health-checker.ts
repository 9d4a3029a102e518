// HealthChecker: pings every enabled gateway each interval (leader instance only) and marks it and its tools reachable or not.
import type { UpstreamConnection } from '../connect.js';
import type { UpstreamSpec } from '../upstream-spec.js';

/** The leader lease (store/lease.ts): only its holder checks. */
export interface LeaderLease {
  acquire(): Promise<boolean>;
  release(): Promise<void>;
}

/** What the checker reads and writes of the gateways registry. */
export interface HealthTargets {
  /** Every enabled gateway's spec, credentials decrypted. */
  healthTargets(): Promise<UpstreamSpec[]>;
  /** Records a verdict on the gateway and its tools; true when the gateway's flag flipped. */
  markReachable(gatewayId: string, reachable: boolean, at: string): Promise<boolean>;
}

export interface HealthCheckerOptions {
  gateways: HealthTargets;
  /** Held while this instance is the one that checks; renewed every round. */
  lease: LeaderLease;
  /** connectUpstream with the guarded HTTP client, stdio registry and token cache bound in. */
  connect: (spec: UpstreamSpec) => Promise<UpstreamConnection>;
  /** HEALTH_CHECK_INTERVAL in milliseconds (tests use a few). */
  intervalMs: number;
  /** UNHEALTHY_THRESHOLD: consecutive failed checks before a gateway is marked unreachable. */
  unhealthyThreshold: number;
  /** A single check never waits longer than this (nor than the gateway's own timeout). */
  checkTimeoutMs?: number;
  /** Called when a gateway's reachable flag flips (e.g. to emit list_changed and log). */
  onChange?: (gatewayId: string, reachable: boolean, reason: string) => void;
  log?: (message: string) => void;
  now?: () => Date;
}

export interface RoundResult {
  /** False when another instance holds the lease and this one checked nothing. */
  leader: boolean;
  checked: number;
}

interface GatewayState {
  conn: UpstreamConnection | undefined;
  /** What the pooled connection was opened with: a changed target or credential replaces it. */
  fingerprint: string;
  failures: number;
}

const CONCURRENCY = 8;

export class HealthChecker {
  readonly #opts: HealthCheckerOptions;
  readonly #states = new Map<string, GatewayState>();
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<RoundResult> | undefined;
  #stopped = false;

  constructor(opts: HealthCheckerOptions) {
    this.#opts = opts;
  }

  /** Runs a round every interval until stop(); rounds never overlap. */
  start(): void {
    if (this.#stopped || this.#timer !== undefined) return;
    const tick = () => {
      this.#timer = undefined;
      void this.runOnce()
        .catch((error: unknown) => this.#opts.log?.(`health check round failed: ${String(error)}`))
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, this.#opts.intervalMs);
        });
    };
    this.#timer = setTimeout(tick, this.#opts.intervalMs);
  }

  /** Stops the loop, waits for a running round, closes pooled connections and gives the lease up. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#round?.catch(() => undefined);
    await this.#dropAll();
    await this.#opts.lease.release().catch(() => undefined);
  }

  /** Closes the pooled connection of a gateway (deleted, disabled or re-targeted). */
  async forget(gatewayId: string): Promise<void> {
    const state = this.#states.get(gatewayId);
    this.#states.delete(gatewayId);
    await state?.conn?.close();
  }

  /** One round: take or renew the lease, then check every enabled gateway. */
  runOnce(): Promise<RoundResult> {
    this.#round ??= this.#runRound().finally(() => (this.#round = undefined));
    return this.#round;
  }

  async #runRound(): Promise<RoundResult> {
    if (!(await this.#opts.lease.acquire())) {
      // Another instance checks; connections kept here would only load the upstreams.
      await this.#dropAll();
      return { leader: false, checked: 0 };
    }
    const targets = await this.#opts.gateways.healthTargets();
    const live = new Set(targets.map((t) => t.gatewayId));
    for (const id of [...this.#states.keys()]) if (!live.has(id)) await this.forget(id);
    for (let i = 0; i < targets.length; i += CONCURRENCY) {
      if (this.#stopped) break;
      await Promise.all(targets.slice(i, i + CONCURRENCY).map((t) => this.#check(t)));
    }
    return { leader: true, checked: targets.length };
  }

  async #check(target: UpstreamSpec): Promise<void> {
    const id = target.gatewayId;
    const spec = { ...target, timeoutMs: Math.min(target.timeoutMs, this.#opts.checkTimeoutMs ?? 10_000) };
    const fingerprint = JSON.stringify([spec.transport, spec.url, spec.command ?? null, spec.auth]);
    let state = this.#states.get(id);
    if (state !== undefined && state.fingerprint !== fingerprint) {
      await state.conn?.close();
      state = undefined;
    }
    if (state === undefined) {
      state = { conn: undefined, fingerprint, failures: 0 };
      this.#states.set(id, state);
    }
    const failure = await this.#probe(state, spec);
    if (this.#states.get(id) !== state) {
      // forget() ran meanwhile (gateway deleted or disabled): its verdict and connection are stale.
      await state.conn?.close();
      return;
    }
    const { gateways } = this.#opts;
    const at = (this.#opts.now ?? (() => new Date()))().toISOString();
    if (failure === undefined) {
      state.failures = 0;
      if (await gateways.markReachable(id, true, at)) this.#opts.onChange?.(id, true, 'answered ping');
      return;
    }
    state.failures += 1;
    if (state.failures >= this.#opts.unhealthyThreshold && (await gateways.markReachable(id, false, at)))
      this.#opts.onChange?.(id, false, failure);
  }

  /** Pings the pooled connection; when that fails (expired session, restarted upstream) connects afresh once. */
  async #probe(state: GatewayState, spec: UpstreamSpec): Promise<string | undefined> {
    const ping = async (conn: UpstreamConnection) => {
      await conn.client.ping({ timeout: spec.timeoutMs });
    };
    if (state.conn !== undefined) {
      try {
        await ping(state.conn);
        return undefined;
      } catch {
        await state.conn.close();
        state.conn = undefined;
      }
    }
    try {
      state.conn = await this.#opts.connect(spec);
      await ping(state.conn);
      return undefined;
    } catch (error) {
      await state.conn?.close();
      state.conn = undefined;
      return error instanceof Error ? error.message : String(error);
    }
  }

  async #dropAll(): Promise<void> {
    const states = [...this.#states.values()];
    this.#states.clear();
    await Promise.all(states.map((s) => s.conn?.close() ?? Promise.resolve()));
  }
}
