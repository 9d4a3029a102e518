// MemorySessionStore: single-instance SessionStore on Maps, with idle expiry checked on access and swept in batches.
import { randomUUID } from 'node:crypto';
import type {
  NewSession,
  SessionPatch,
  SessionPurgeFilter,
  SessionRecord,
  SessionStore,
} from './session-store.js';

export interface MemorySessionStoreOptions {
  ttlSeconds: number;
  /** Clock in epoch milliseconds; tests pass a fake one instead of waiting. */
  now?: () => number;
}

export class MemorySessionStore implements SessionStore {
  // Maps, never objects: a session id such as "__proto__" must be just another key.
  readonly #sessions = new Map<string, SessionRecord>();
  readonly #bySubject = new Map<string, Set<string>>();
  readonly #ttlMs: number;
  readonly #now: () => number;
  #nextSweep = 0;

  constructor(opts: MemorySessionStoreOptions) {
    this.#ttlMs = opts.ttlSeconds * 1000;
    this.#now = opts.now ?? Date.now;
  }

  create(init: NewSession): Promise<SessionRecord> {
    this.#sweep();
    const now = this.#now();
    const record: SessionRecord = Object.freeze({
      id: randomUUID(),
      subject: init.subject,
      serverId: init.serverId,
      transport: init.transport,
      protocolVersion: null,
      clientInfo: null,
      clientCapabilities: {},
      logLevel: null,
      subscriptions: Object.freeze([]),
      createdAt: now,
      lastAccessedAt: now,
    });
    this.#sessions.set(record.id, record);
    let ids = this.#bySubject.get(record.subject);
    if (ids === undefined) this.#bySubject.set(record.subject, (ids = new Set()));
    ids.add(record.id);
    return Promise.resolve(record);
  }

  get(id: string): Promise<SessionRecord | undefined> {
    return Promise.resolve(this.#live(id));
  }

  touch(id: string): Promise<boolean> {
    const record = this.#live(id);
    if (record !== undefined) this.#put({ ...record, lastAccessedAt: this.#now() });
    return Promise.resolve(record !== undefined);
  }

  update(id: string, patch: SessionPatch): Promise<SessionRecord | undefined> {
    const record = this.#live(id);
    return Promise.resolve(
      record === undefined ? undefined : this.#put({ ...record, ...patch, lastAccessedAt: this.#now() }),
    );
  }

  addSubscription(id: string, uri: string): Promise<boolean> {
    const record = this.#live(id);
    if (record === undefined) return Promise.resolve(false);
    const subscriptions = record.subscriptions.includes(uri)
      ? record.subscriptions
      : [...record.subscriptions, uri];
    this.#put({ ...record, subscriptions, lastAccessedAt: this.#now() });
    return Promise.resolve(true);
  }

  removeSubscription(id: string, uri: string): Promise<boolean> {
    const record = this.#live(id);
    if (record === undefined) return Promise.resolve(false);
    const subscriptions = record.subscriptions.filter((s) => s !== uri);
    this.#put({ ...record, subscriptions, lastAccessedAt: this.#now() });
    return Promise.resolve(true);
  }

  delete(id: string): Promise<boolean> {
    const existed = this.#live(id) !== undefined;
    this.#remove(id);
    return Promise.resolve(existed);
  }

  listByPrincipal(subject: string): Promise<SessionRecord[]> {
    const records: SessionRecord[] = [];
    for (const id of [...(this.#bySubject.get(subject) ?? [])]) {
      const record = this.#live(id);
      if (record !== undefined) records.push(record);
    }
    return Promise.resolve(records.sort((a, b) => a.lastAccessedAt - b.lastAccessedAt));
  }

  list(): Promise<SessionRecord[]> {
    const records = [...this.#sessions.keys()].flatMap((id) => this.#live(id) ?? []);
    return Promise.resolve(records.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id)));
  }

  async purge(filter: SessionPurgeFilter = {}): Promise<number> {
    const { lastUsedBefore } = filter;
    let purged = 0;
    for (const record of await this.list()) {
      if (lastUsedBefore !== undefined && record.lastAccessedAt > lastUsedBefore) continue;
      this.#remove(record.id);
      purged += 1;
    }
    return purged;
  }

  reapExpired(): Promise<number> {
    const expired = [...this.#sessions.values()].filter((record) => this.#expired(record));
    for (const record of expired) this.#remove(record.id);
    return Promise.resolve(expired.length);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#sessions.clear();
    this.#bySubject.clear();
    return Promise.resolve();
  }

  #live(id: string): SessionRecord | undefined {
    const record = this.#sessions.get(id);
    if (record === undefined) return undefined;
    if (this.#expired(record)) {
      this.#remove(id);
      return undefined;
    }
    return record;
  }

  #expired(record: SessionRecord): boolean {
    return this.#now() - record.lastAccessedAt >= this.#ttlMs;
  }

  #put(record: SessionRecord): SessionRecord {
    const frozen = Object.freeze({ ...record, subscriptions: Object.freeze([...record.subscriptions]) });
    this.#sessions.set(frozen.id, frozen);
    return frozen;
  }

  #remove(id: string): void {
    const record = this.#sessions.get(id);
    if (record === undefined) return;
    this.#sessions.delete(id);
    const ids = this.#bySubject.get(record.subject);
    ids?.delete(id);
    if (ids?.size === 0) this.#bySubject.delete(record.subject);
  }

  /** Drops expired sessions nobody asks about again; at most once per TTL/10 so creation stays O(1) amortized. */
  #sweep(): void {
    const now = this.#now();
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + Math.max(1000, this.#ttlMs / 10);
    for (const record of [...this.#sessions.values()]) if (this.#expired(record)) this.#remove(record.id);
  }
}
