// SessionHub: this instance's live sessions: opening (with a per-principal cap), lookup, teardown, change fan-out.
import type { Principal } from '../auth/principal.js';
import type { BusMessage, BusPayload, EventBus } from '../cache/event-bus.js';
import type { SessionRecord, SessionStore, SessionTransportKind } from '../cache/session-store.js';
import { AppError } from '../errors/app-error.js';
import type { CatalogEvent, CatalogScope, McpCatalog } from './catalog.js';
import { LiveSession, type SessionChannel } from './live-session.js';
import { RelayChannel, relayedOf, sessionTopic, type RelayedMessage } from './session-relay.js';

export interface HubLogger {
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export interface SessionHubOptions {
  store: SessionStore;
  catalog: McpCatalog;
  /**
   * Carries `session:<id>` messages: a session ended on one instance ends its streams on every other; messages
   * for a stream another instance holds, and the client's answers, travel between them (session-relay.ts).
   */
  bus: EventBus;
  logger: HubLogger;
  /** Opening one more evicts the principal's least recently used session. */
  maxSessionsPerPrincipal: number;
  /** How often live sessions are checked against the store's expiry (ms). */
  sweepIntervalMs: number;
  /**
   * A session's last use is written to the store at most this often (ms). Why: with CACHE_TYPE=database that
   * write on every request was most of what a Streamable HTTP session cost over /rpc (0.50 vs 0.21 ms of CPU
   * per call); expiry is judged in SESSION_TTL, which this interval is a small part of.
   */
  touchIntervalMs: number;
}

/** A stateless (2026-07-28) `subscriptions/listen` stream: no session, just a filter on catalog events. */
export interface ChangeListener {
  readonly scope: CatalogScope;
  onEvent(event: CatalogEvent): void;
  /** Ends the listener's stream (shutdown). */
  close(): void;
}

const LIST_CHANGED = new Map([
  ['tools_list_changed', 'notifications/tools/list_changed'],
  ['resources_list_changed', 'notifications/resources/list_changed'],
  ['prompts_list_changed', 'notifications/prompts/list_changed'],
]);

/** Opening one more session than this evicts the principal's least recently used one. */
export const DEFAULT_MAX_SESSIONS_PER_PRINCIPAL = 100;

/** SESSION_TTL in seconds → how often to sweep and to write a session's last use (both bounded to a minute). */
export function sessionTimings(
  sessionTtlSeconds: number,
): Pick<SessionHubOptions, 'sweepIntervalMs' | 'touchIntervalMs'> {
  return {
    sweepIntervalMs: Math.min(60_000, sessionTtlSeconds * 1000),
    touchIntervalMs: Math.min(60_000, sessionTtlSeconds * 100),
  };
}

const unknownSession = (): AppError =>
  new AppError({ code: 'NotFound', message: 'Session not found: initialize a new session' });

/** Whether a change to `serverIds` is visible from `scope` (the global scope sees every change). */
export function scopeSees(scope: CatalogScope, serverIds: 'all' | readonly string[]): boolean {
  return scope.serverId === undefined || serverIds === 'all' || serverIds.includes(scope.serverId);
}

export class SessionHub {
  // Session ids arrive from clients: a Map, so "__proto__" is only ever a missing key.
  readonly #live = new Map<string, LiveSession>();
  /** The bus subscription of each live session's topic. */
  readonly #topics = new Map<string, () => void>();
  readonly #listeners = new Set<ChangeListener>();
  readonly #unsubscribe: () => void;
  readonly #sweeper: NodeJS.Timeout;

  constructor(private readonly opts: SessionHubOptions) {
    this.#unsubscribe = opts.catalog.subscribe((event) => {
      this.#fanOut(event).catch((error: unknown) =>
        opts.logger.error({ err: error }, 'MCP notification fan-out failed'),
      );
    });
    this.#sweeper = setInterval(() => void this.#sweep(), opts.sweepIntervalMs);
    this.#sweeper.unref();
  }

  /** Throws NotFound for an unknown or disabled virtual server, before any session exists. */
  async checkScope(scope: CatalogScope): Promise<void> {
    await this.opts.catalog.describeScope(scope);
  }

  async open(
    principal: Principal,
    scope: CatalogScope,
    transport: SessionTransportKind,
    channel: (record: SessionRecord, touch: () => void) => SessionChannel,
  ): Promise<LiveSession> {
    await this.checkScope(scope);
    await this.#makeRoom(principal.subject);
    const record = await this.opts.store.create({
      subject: principal.subject,
      serverId: scope.serverId ?? null,
      transport,
    });
    const touch = (): void => void this.opts.store.touch(record.id).catch(() => undefined);
    const session = this.#session(record, principal, channel(record, touch));
    session.touchedAt = performance.now();
    this.#hold(session);
    return session;
  }

  /**
   * The session `id` as seen by `principal` on `scope`. Unknown, expired, another principal's, or opened
   * on another endpoint all look the same: 404, so a client re-initializes and nobody learns which
   * session ids exist. `revive` rebuilds the in-process half of a session whose record another instance
   * created; without it such a session is unknown here.
   */
  async resolve(
    id: string,
    principal: Principal,
    scope: CatalogScope,
    revive?: (record: SessionRecord, touch: () => void) => SessionChannel | undefined,
  ): Promise<LiveSession> {
    const record = await this.opts.store.get(id);
    if (record === undefined) {
      this.#drop(id, 'Session expired');
      throw unknownSession();
    }
    if (record.subject !== principal.subject || record.serverId !== (scope.serverId ?? null))
      throw unknownSession();
    let session = this.#live.get(id);
    if (session === undefined) {
      const touch = (): void => void this.opts.store.touch(id).catch(() => undefined);
      const channel = revive?.(record, touch);
      if (channel === undefined) throw unknownSession();
      session = this.#session(record, principal, channel);
      this.#hold(session);
    } else session.seen(record);
    const now = performance.now();
    if (now - session.touchedAt >= this.opts.touchIntervalMs) {
      session.touchedAt = now;
      await this.opts.store.touch(id);
    }
    return session;
  }

  /**
   * For `revive`: the channel of a session whose stream another instance holds. What the session sends here
   * is written there, in order; the holder's hub does the writing.
   */
  relay(id: string): SessionChannel {
    return new RelayChannel(this.opts.bus, id, this.opts.logger);
  }

  /** Ends a session everywhere: its streams here, its record in the store, its streams on other instances. */
  async terminate(id: string, reason: string): Promise<void> {
    this.#drop(id, reason);
    await this.opts.store.delete(id);
    await this.opts.bus.publish(sessionTopic(id), { type: 'close', reason });
  }

  addListener(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get liveCount(): number {
    return this.#live.size;
  }

  /**
   * Stops fan-out and ends every live stream. SSE and WebSocket sessions die with their connection, so
   * their records go too; Streamable HTTP records stay for another instance sharing the store, and so do the
   * records of sessions relayed to the instance holding their stream.
   */
  async close(): Promise<void> {
    this.#unsubscribe();
    clearInterval(this.#sweeper);
    for (const listener of [...this.#listeners]) listener.close();
    this.#listeners.clear();
    const sessions = [...this.#live.values()];
    this.#live.clear();
    for (const unsubscribe of this.#topics.values()) unsubscribe();
    this.#topics.clear();
    for (const session of sessions) session.close('The gateway is shutting down');
    await Promise.all(
      sessions.map(async (s) => {
        if (s.channel instanceof RelayChannel) return;
        const record = await this.opts.store.get(s.sessionId);
        if (record !== undefined && record.transport !== 'streamable-http')
          await this.opts.store.delete(s.sessionId);
      }),
    );
  }

  #session(record: SessionRecord, principal: Principal, channel: SessionChannel): LiveSession {
    const publish = (payload: RelayedMessage): void =>
      void this.opts.bus
        .publish(sessionTopic(record.id), payload as unknown as BusPayload)
        .catch((error: unknown) =>
          this.opts.logger.error({ err: error, sessionId: record.id }, `MCP ${payload.type} relay failed`),
        );
    return new LiveSession(record, principal, this.opts.store, channel, {
      answer: (response) => publish({ type: 'answer', response }),
      cancel: (requestId, reason) => publish({ type: 'cancel', requestId, reason }),
    });
  }

  #hold(session: LiveSession): void {
    const id = session.sessionId;
    this.#live.set(id, session);
    this.#topics.set(
      id,
      this.opts.bus.subscribe(sessionTopic(id), (message) => this.#onSessionMessage(id, message)),
    );
  }

  /** Closes the session's streams on this instance and forgets it here; its record is the caller's business. */
  #drop(id: string, reason: string): void {
    this.#live.get(id)?.close(reason);
    this.#live.delete(id);
    this.#topics.get(id)?.();
    this.#topics.delete(id);
  }

  #onSessionMessage(id: string, message: BusMessage): void {
    if (message.origin === this.opts.bus.instanceId) return;
    const relayed = relayedOf(message.payload);
    if (relayed?.type === 'close') return this.#drop(id, relayed.reason);
    const session = this.#live.get(id);
    if (session === undefined || relayed === undefined) return;
    if (relayed.type === 'answer') return session.settleRelayed(relayed.response);
    if (relayed.type === 'cancel') return void session.inflight.cancelHere(relayed.requestId, relayed.reason);
    // Only the instance holding the stream writes; another one relaying too must not echo it.
    if (!(session.channel instanceof RelayChannel)) session.send(relayed.message);
  }

  async #makeRoom(subject: string): Promise<void> {
    const sessions = await this.opts.store.listByPrincipal(subject);
    const excess = sessions.length - this.opts.maxSessionsPerPrincipal + 1;
    for (const victim of sessions.slice(0, Math.max(0, excess))) {
      this.opts.logger.warn(
        { sessionId: victim.id, subject },
        'MCP session evicted: too many sessions for one principal',
      );
      await this.terminate(victim.id, 'Evicted: too many sessions for this principal');
    }
  }

  async #fanOut(event: CatalogEvent): Promise<void> {
    for (const listener of this.#listeners) listener.onEvent(event);
    if (event.type !== 'resource_updated') {
      const method = LIST_CHANGED.get(event.type);
      if (method === undefined) return;
      for (const session of this.#held())
        if (scopeSees(session.scope, event.serverIds)) session.notify(method);
      return;
    }
    for (const session of this.#held()) {
      const record = await this.opts.store.get(session.sessionId);
      if (record?.subscriptions.includes(event.uri))
        session.notify('notifications/resources/updated', { uri: event.uri });
    }
  }

  /**
   * The sessions whose stream is on this instance. Catalog events reach every instance through the bus, so
   * a relayed session hears them where its stream is, not from here too.
   */
  #held(): LiveSession[] {
    return [...this.#live.values()].filter((s) => !(s.channel instanceof RelayChannel));
  }

  async #sweep(): Promise<void> {
    for (const id of [...this.#live.keys()]) {
      if ((await this.opts.store.get(id)) !== undefined) continue;
      this.#drop(id, 'Session expired');
    }
  }
}
