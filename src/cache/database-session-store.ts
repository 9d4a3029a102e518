// DatabaseSessionStore: SessionStore on the app's SQL store (mcp_sessions), shared by every instance on that database.
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import type { Store } from '../store/db.js';
import { SessionsRepo, type SessionRow } from '../store/repos/sessions.js';
import {
  decodeSessionBody,
  encodeSessionBody,
  freezeRecord,
  newSessionRecord,
  withSubscription,
  withoutSubscription,
} from './session-record-codec.js';
import type {
  NewSession,
  SessionPatch,
  SessionPurgeFilter,
  SessionRecord,
  SessionStore,
} from './session-store.js';

export interface DatabaseSessionStoreOptions {
  /** The app's store; this class never closes it. */
  store: Store;
  ttlSeconds: number;
  /** Clock in epoch milliseconds; tests pass a fake one instead of waiting. */
  now?: () => number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class DatabaseSessionStore implements SessionStore {
  readonly #rows: SessionsRepo;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(opts: DatabaseSessionStoreOptions) {
    this.#rows = new SessionsRepo(opts.store);
    this.#ttlMs = opts.ttlSeconds * 1000;
    this.#now = opts.now ?? Date.now;
  }

  async create(init: NewSession): Promise<SessionRecord> {
    const record = newSessionRecord(randomUUID(), init, this.#now());
    await this.#rows.insert({
      session_id: record.id,
      subject: record.subject,
      created_at: iso(record.createdAt),
      last_accessed: iso(record.lastAccessedAt),
      data: encodeSessionBody(record),
    });
    return record;
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const row = await this.#rows.live(id, this.#cutoff());
    return row === undefined ? undefined : toRecord(row);
  }

  touch(id: string): Promise<boolean> {
    return this.#rows.touch(id, iso(this.#now()), this.#cutoff());
  }

  update(id: string, patch: SessionPatch): Promise<SessionRecord | undefined> {
    return this.#modify(id, (record) => ({ ...record, ...patch }));
  }

  async addSubscription(id: string, uri: string): Promise<boolean> {
    return (await this.#modify(id, (record) => withSubscription(record, uri))) !== undefined;
  }

  async removeSubscription(id: string, uri: string): Promise<boolean> {
    return (await this.#modify(id, (record) => withoutSubscription(record, uri))) !== undefined;
  }

  async delete(id: string): Promise<boolean> {
    const cutoff = this.#cutoff();
    const lastAccessed = await this.#rows.delete(id);
    return lastAccessed !== undefined && lastAccessed > cutoff;
  }

  async listByPrincipal(subject: string): Promise<SessionRecord[]> {
    return (await this.#rows.listBySubject(subject, this.#cutoff())).map(toRecord);
  }

  async list(): Promise<SessionRecord[]> {
    return (await this.#rows.listLive(this.#cutoff())).map(toRecord);
  }

  purge(filter: SessionPurgeFilter = {}): Promise<number> {
    const before = filter.lastUsedBefore === undefined ? undefined : iso(filter.lastUsedBefore);
    return this.#rows.deleteLive(this.#cutoff(), before);
  }

  /** Expired rows stay (invisible) until the leader's SessionReaper calls this. */
  reapExpired(): Promise<number> {
    return this.#rows.deleteExpired(this.#cutoff());
  }

  /** The database is the app's store, which /ready checks itself. */
  ping(): Promise<void> {
    return Promise.resolve();
  }

  /** The app's store outlives this one (it is closed by whoever opened it). */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Rows whose last access is at or before this are expired (now − last ≥ TTL), exactly as in memory. */
  #cutoff(): string {
    return iso(this.#now() - this.#ttlMs);
  }

  #modify(id: string, change: (record: SessionRecord) => SessionRecord): Promise<SessionRecord | undefined> {
    return this.#rows.modify(id, this.#cutoff(), (row) => {
      const next = freezeRecord({ ...change(toRecord(row)), lastAccessedAt: this.#now() });
      return { value: next, data: encodeSessionBody(next), lastAccessed: iso(next.lastAccessedAt) };
    });
  }
}

function toRecord(row: SessionRow): SessionRecord {
  if (row.data === null)
    throw new AppError({ code: 'Internal', message: `Stored MCP session ${row.session_id} has no data` });
  return decodeSessionBody(row.session_id, row.data, {
    createdAt: Date.parse(row.created_at),
    lastAccessedAt: Date.parse(row.last_accessed),
  });
}
