// UpstreamPool: the open upstream sessions, one per (gateway, downstream session) plus one shared per gateway; bounded and idle-reaped.
import { createHash } from 'node:crypto';
import type { ClientCapabilities } from '@modelcontextprotocol/client';
import { AppError } from '../../errors/app-error.js';
import type { ConnectOptions, UpstreamConnection } from '../connect.js';
import type { UpstreamSpec } from '../upstream-spec.js';
import { CallRelay, type CallRelayOptions } from './call-relay.js';
import type { ForwardContext } from './forward-context.js';
import { UpstreamSession } from './upstream-session.js';
import { CAPACITY } from './upstream-errors.js';

/** Opens a connection; the composition root binds the HTTP client, stdio registry and OAuth cache. */
export type OpenUpstream = (
  spec: UpstreamSpec,
  opts: Pick<ConnectOptions, 'clientCapabilities' | 'onNotification' | 'onRequest' | 'headers' | 'timeoutMs'>,
) => Promise<UpstreamConnection>;

export interface UpstreamPoolOptions {
  open: OpenUpstream;
  /** Upstream sessions per HTTP gateway (each downstream session holds one while it lives). */
  maxSessionsPerGateway: number;
  /** Upstream sessions per stdio gateway: each is a child process. */
  maxStdioSessionsPerGateway: number;
  /** An upstream session unused this long (ms) is closed; its downstream session gets a fresh one if it calls again. */
  idleMs: number;
  connectTimeoutMs: number;
  /** Called with (gatewayId, …) for changes an upstream announces. */
  events: {
    onListChanged(gatewayId: string, kind: Parameters<CallRelayOptions['onListChanged']>[0]): void;
    onResourceUpdated(gatewayId: string, uri: string): void;
  };
  now?: () => number;
}

class Entry {
  opening!: Promise<UpstreamSession>;
  session: UpstreamSession | undefined;
  /** Removes the listener on the downstream session's end. */
  unhook: () => void = () => undefined;

  constructor(
    readonly key: string,
    readonly fingerprint: string,
  ) {}
}

const digest = (text: string): string => createHash('sha256').update(text).digest('base64url').slice(0, 16);

/** The connection-relevant part of a spec plus the passthrough credential: a change means a new session. */
/** Per spec object (the registry's cache hands out the same one until the gateway changes) and passthrough value. */
const fingerprints = new WeakMap<UpstreamSpec, Map<string, string>>();

function fingerprintOf(spec: UpstreamSpec, authorization: string | undefined): string {
  let byAuthorization = fingerprints.get(spec);
  if (byAuthorization === undefined) fingerprints.set(spec, (byAuthorization = new Map<string, string>()));
  const known = byAuthorization.get(authorization ?? '');
  if (known !== undefined) return known;
  const { timeoutMs: _ignored, ...connection } = spec;
  const fingerprint = digest(JSON.stringify([connection, authorization ?? null]));
  // Bounded: passthrough values come from clients.
  if (byAuthorization.size >= 64) byAuthorization.clear();
  byAuthorization.set(authorization ?? '', fingerprint);
  return fingerprint;
}

export class UpstreamPool {
  readonly #opts: UpstreamPoolOptions;
  readonly #now: () => number;
  // gatewayId → key → entry. Keys embed downstream session ids, which come from clients: Maps only.
  readonly #gateways = new Map<string, Map<string, Entry>>();
  readonly #reaper: NodeJS.Timeout;
  #closed = false;

  constructor(opts: UpstreamPoolOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? (() => Date.now());
    this.#reaper = setInterval(() => void this.reapIdle(), Math.max(1000, Math.min(opts.idleMs / 2, 30_000)));
    this.#reaper.unref();
  }

  /** The upstream session for this call: the downstream session's own (opened on first use), or the shared one. */
  async acquire(spec: UpstreamSpec, ctx: ForwardContext): Promise<UpstreamSession> {
    if (this.#closed)
      throw new AppError({ code: 'Unavailable', message: 'the gateway is shutting down', data: CAPACITY });
    const authorization = spec.passthroughAuth ? ctx.upstreamAuthorization : undefined;
    const fingerprint = fingerprintOf(spec, authorization);
    const key =
      ctx.sessionId !== undefined ? `session:${ctx.sessionId}` : `shared:${digest(authorization ?? '')}`;
    const entries = this.#entriesOf(spec.gatewayId);
    const existing = entries.get(key);
    if (
      existing !== undefined &&
      existing.fingerprint === fingerprint &&
      existing.session?.isClosed !== true
    ) {
      existing.session?.relay.adopt(ctx);
      return existing.opening;
    }
    if (existing !== undefined) void this.#remove(spec.gatewayId, existing);
    // No await before the entry is in the map: concurrent first calls of one session must share one opening.
    this.#makeRoom(spec);
    const entry = this.#open(spec, ctx, key, fingerprint, authorization);
    entries.set(key, entry);
    return entry.opening;
  }

  /** Drops a session that failed (expired upstream, dead connection); the next call opens a new one. */
  discard(session: UpstreamSession): void {
    const entry = this.#gateways.get(session.gatewayId)?.get(session.key);
    if (entry?.session === session) void this.#remove(session.gatewayId, entry);
    else void session.close().catch(() => undefined);
  }

  /** Closes every session of a gateway (edited, disabled or deleted). */
  async closeGateway(gatewayId: string): Promise<void> {
    const entries = [...(this.#gateways.get(gatewayId)?.values() ?? [])];
    await Promise.all(entries.map((e) => this.#remove(gatewayId, e)));
    this.#gateways.delete(gatewayId);
  }

  /** The open upstream sessions of one downstream session, across gateways. */
  sessionsOf(downstreamSessionId: string): UpstreamSession[] {
    const key = `session:${downstreamSessionId}`;
    return [...this.#gateways.values()].flatMap((entries) => {
      const session = entries.get(key)?.session;
      return session === undefined || session.isClosed ? [] : [session];
    });
  }

  sizeOf(gatewayId: string): number {
    return this.#gateways.get(gatewayId)?.size ?? 0;
  }

  /** Closes sessions idle past idleMs that have nothing in flight. */
  async reapIdle(): Promise<void> {
    const cutoff = this.#now() - this.#opts.idleMs;
    const victims: Array<[string, Entry]> = [];
    for (const [gatewayId, entries] of this.#gateways)
      for (const entry of entries.values())
        if (entry.session !== undefined && !entry.session.busy && entry.session.lastUsed <= cutoff)
          victims.push([gatewayId, entry]);
    await Promise.all(victims.map(([gatewayId, entry]) => this.#remove(gatewayId, entry)));
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#reaper);
    await Promise.all([...this.#gateways.keys()].map((id) => this.closeGateway(id)));
  }

  #entriesOf(gatewayId: string): Map<string, Entry> {
    let entries = this.#gateways.get(gatewayId);
    if (entries === undefined) {
      entries = new Map();
      this.#gateways.set(gatewayId, entries);
    }
    return entries;
  }

  #open(
    spec: UpstreamSpec,
    ctx: ForwardContext,
    key: string,
    fingerprint: string,
    authorization: string | undefined,
  ): Entry {
    const shared = ctx.sessionId === undefined;
    const { events } = this.#opts;
    const relay = new CallRelay({
      shared,
      onListChanged: (kind) => events.onListChanged(spec.gatewayId, kind),
      onResourceUpdated: (uri) => events.onResourceUpdated(spec.gatewayId, uri),
    });
    relay.adopt(ctx);
    const entry = new Entry(key, fingerprint);
    // The upstream sees exactly the calling client's capabilities, so it offers (and asks) only what that
    // client can do; stateless callers cannot answer server→client requests at all.
    const capabilities: ClientCapabilities = shared ? {} : ctx.clientCapabilities;
    entry.opening = this.#opts
      .open(spec, {
        clientCapabilities: capabilities,
        onNotification: relay.onNotification,
        onRequest: relay.onRequest,
        ...(authorization === undefined ? {} : { headers: { Authorization: authorization } }),
        timeoutMs: this.#opts.connectTimeoutMs,
      })
      .then(
        (connection) => {
          const session = new UpstreamSession({
            gatewayId: spec.gatewayId,
            key,
            fingerprint,
            connection,
            relay,
            now: this.#now,
          });
          entry.session = session;
          void connection.closed.then(() => {
            if (this.#gateways.get(spec.gatewayId)?.get(key) === entry)
              void this.#remove(spec.gatewayId, entry);
          });
          if (this.#closed || this.#gateways.get(spec.gatewayId)?.get(key) !== entry) {
            void session.close();
            throw new AppError({
              code: 'Unavailable',
              message: `the connection to gateway ${spec.name} was closed while it was opening (session ended or gateway changed)`,
            });
          }
          return session;
        },
        (error: unknown) => {
          if (this.#gateways.get(spec.gatewayId)?.get(key) === entry)
            void this.#remove(spec.gatewayId, entry);
          throw error;
        },
      );
    const sessionClosed = ctx.sessionClosed;
    if (!shared && sessionClosed !== undefined) {
      const onEnd = (): void => {
        if (this.#gateways.get(spec.gatewayId)?.get(key) === entry) void this.#remove(spec.gatewayId, entry);
      };
      if (sessionClosed.aborted) queueMicrotask(onEnd);
      else {
        sessionClosed.addEventListener('abort', onEnd, { once: true });
        entry.unhook = () => sessionClosed.removeEventListener('abort', onEnd);
      }
    }
    return entry;
  }

  /**
   * At the limit, the least recently used idle per-session connection makes way (its downstream session gets
   * a fresh one if it calls again); with every connection busy the call is refused rather than queued.
   */
  #makeRoom(spec: UpstreamSpec): void {
    const entries = this.#entriesOf(spec.gatewayId);
    const limit =
      spec.transport === 'STDIO' ? this.#opts.maxStdioSessionsPerGateway : this.#opts.maxSessionsPerGateway;
    if (entries.size < limit) return;
    let victim: Entry | undefined;
    for (const entry of entries.values()) {
      const session = entry.session;
      if (session === undefined || session.inflight > 0) continue;
      if (victim?.session === undefined || session.lastUsed < victim.session.lastUsed) victim = entry;
    }
    if (victim === undefined)
      throw new AppError({
        code: 'Unavailable',
        message: `gateway ${spec.name} has all ${limit} of its upstream sessions busy; try again shortly`,
        data: CAPACITY,
      });
    void this.#remove(spec.gatewayId, victim);
  }

  #remove(gatewayId: string, entry: Entry): Promise<void> {
    const entries = this.#gateways.get(gatewayId);
    if (entries?.get(entry.key) === entry) entries.delete(entry.key);
    entry.unhook();
    // A session still opening is closed once it is open (the open path sees it is no longer pooled).
    return entry.session === undefined ? Promise.resolve() : entry.session.close().catch(() => undefined);
  }
}
