// DatabaseSessionStore: SessionStore on the app's SQL store (mcp_sessions), shared by every instance on that database.
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import type { Store } from '../store/db.js';
import { reusableQuery } from '../store/reusable-query.js';
import {
  decodeSessionBody,
  encodeSessionBody,
  freezeRecord,
  newSessionRecord,
  withSubscription,
  withoutSubscription,
} from './session-record-codec.js';
import type { NewSession, SessionPatch, SessionRecord, SessionStore } from './session-store.js';

export interface DatabaseSessionStoreOptions {
  /** The app's store; this class never closes it. */
  store: Store;
  ttlSeconds: number;
  /** Clock in epoch milliseconds; tests pass a fake one instead of waiting. */
  now?: () => number;
  /** Least seconds between two deletes of expired rows; default TTL/10, at least 1. */
  sweepIntervalSeconds?: number;
}

interface SessionRow {
  session_id: string;
  created_at: string;
  last_accessed: string;
  data: string | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const ID_MARKER = '\u0000session-id';
const CUTOFF_MARKER = '\u0000cutoff';

export class DatabaseSessionStore implements SessionStore {
  readonly #db: Store['db'];
  readonly #dialect: Store['dialect'];
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #sweepMs: number;
  #nextSweep = 0;
  /** get(): the query of every session request, compiled once. */
  readonly #selectLive: (values: readonly [id: string, cutoff: string]) => Promise<SessionRow[]>;

  constructor(opts: DatabaseSessionStoreOptions) {
    this.#db = opts.store.db;
    this.#dialect = opts.store.dialect;
    this.#ttlMs = opts.ttlSeconds * 1000;
    this.#now = opts.now ?? Date.now;
    this.#sweepMs = Math.max(1000, (opts.sweepIntervalSeconds ?? opts.ttlSeconds / 10) * 1000);
    this.#selectLive = reusableQuery(this.#db, this.#liveRowQuery(this.#db, ID_MARKER, CUTOFF_MARKER), [
      ID_MARKER,
      CUTOFF_MARKER,
    ]);
  }

  async create(init: NewSession): Promise<SessionRecord> {
    await this.#sweep();
    const record = newSessionRecord(randomUUID(), init, this.#now());
    await this.#db
      .insertInto('mcp_sessions')
      .values({
        session_id: record.id,
        subject: record.subject,
        created_at: iso(record.createdAt),
        last_accessed: iso(record.lastAccessedAt),
        data: encodeSessionBody(record),
      })
      .execute();
    return record;
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const [row] = await this.#selectLive([id, this.#cutoff()]);
    return row === undefined ? undefined : toRecord(row);
  }

  async touch(id: string): Promise<boolean> {
    // One conditional UPDATE: an expired row is never revived, and the body is left alone.
    const result = await this.#db
      .updateTable('mcp_sessions')
      .set({ last_accessed: iso(this.#now()) })
      .where('session_id', '=', id)
      .where('last_accessed', '>', this.#cutoff())
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
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
    const removed = await this.#db
      .deleteFrom('mcp_sessions')
      .where('session_id', '=', id)
      .returning('last_accessed')
      .executeTakeFirst();
    return removed !== undefined && removed.last_accessed > cutoff;
  }

  async listByPrincipal(subject: string): Promise<SessionRecord[]> {
    const rows = await this.#db
      .selectFrom('mcp_sessions')
      .select(['session_id', 'created_at', 'last_accessed', 'data'])
      .where('subject', '=', subject)
      .where('last_accessed', '>', this.#cutoff())
      .orderBy('last_accessed')
      .orderBy('session_id')
      .execute();
    return rows.map(toRecord);
  }

  /** The app's store outlives this one (it is closed by whoever opened it). */
  /** The database is the app's store, which /ready checks itself. */
  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Rows whose last access is at or before this are expired (now − last ≥ TTL), exactly as in memory. */
  #cutoff(): string {
    return iso(this.#now() - this.#ttlMs);
  }

  /** `lock` takes the row lock on PostgreSQL (inside a transaction); SQLite has no FOR UPDATE and needs none. */
  #liveRow(db: Store['db'], id: string, lock = false): Promise<SessionRow | undefined> {
    return this.#liveRowQuery(db, id, this.#cutoff())
      .$if(lock && this.#dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
  }

  #liveRowQuery(db: Store['db'], id: string, cutoff: string) {
    return db
      .selectFrom('mcp_sessions')
      .select(['session_id', 'created_at', 'last_accessed', 'data'])
      .where('session_id', '=', id)
      .where('last_accessed', '>', cutoff);
  }

  /**
   * Read, change, write back in one transaction. On PostgreSQL the row lock (FOR UPDATE) makes concurrent
   * changes from any instance queue up; SQLite runs one transaction at a time on its single connection.
   */
  #modify(id: string, change: (record: SessionRecord) => SessionRecord): Promise<SessionRecord | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      const row = await this.#liveRow(trx, id, true);
      if (row === undefined) return undefined;
      const next = freezeRecord({ ...change(toRecord(row)), lastAccessedAt: this.#now() });
      await trx
        .updateTable('mcp_sessions')
        .set({ data: encodeSessionBody(next), last_accessed: iso(next.lastAccessedAt) })
        .where('session_id', '=', id)
        .execute();
      return next;
    });
  }

  /** Deletes rows nobody will ask about again; at most once per interval, from create() where rows appear. */
  async #sweep(): Promise<void> {
    const now = this.#now();
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + this.#sweepMs;
    await this.#db.deleteFrom('mcp_sessions').where('last_accessed', '<=', this.#cutoff()).execute();
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
