// SessionsRepo: the one writer of mcp_sessions; the session semantics (TTL, record codec) stay in cache/.
import type { Store } from '../db.js';
import { reusableQuery } from '../reusable-query.js';

export interface SessionRow {
  session_id: string;
  created_at: string;
  last_accessed: string;
  data: string | null;
}

export interface NewSessionRow extends SessionRow {
  subject: string;
}

const ID_MARKER = '\u0000session-id';
const CUTOFF_MARKER = '\u0000cutoff';
const COLUMNS = ['session_id', 'created_at', 'last_accessed', 'data'] as const;

/** Every `cutoff` is an ISO time: rows last accessed at or before it are expired and treated as absent. */
export class SessionsRepo {
  readonly #db: Store['db'];
  readonly #dialect: Store['dialect'];
  /** live(): the query of every session request, compiled once. */
  readonly #selectLive: (values: readonly [id: string, cutoff: string]) => Promise<SessionRow[]>;

  constructor(store: Store) {
    this.#db = store.db;
    this.#dialect = store.dialect;
    this.#selectLive = reusableQuery(this.#db, this.#liveQuery(this.#db, ID_MARKER, CUTOFF_MARKER), [
      ID_MARKER,
      CUTOFF_MARKER,
    ]);
  }

  async insert(row: NewSessionRow): Promise<void> {
    await this.#db.insertInto('mcp_sessions').values(row).execute();
  }

  async live(id: string, cutoff: string): Promise<SessionRow | undefined> {
    const [row] = await this.#selectLive([id, cutoff]);
    return row;
  }

  /** One conditional UPDATE: an expired row is never revived, and the body is left alone. */
  async touch(id: string, at: string, cutoff: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('mcp_sessions')
      .set({ last_accessed: at })
      .where('session_id', '=', id)
      .where('last_accessed', '>', cutoff)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Read, change, write back in one transaction. On PostgreSQL the row lock (FOR UPDATE) makes concurrent
   * changes from any instance queue up; SQLite runs one transaction at a time on its single connection.
   */
  modify<T>(
    id: string,
    cutoff: string,
    change: (row: SessionRow) => { value: T; data: string; lastAccessed: string },
  ): Promise<T | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      const row = await this.#liveQuery(trx, id, cutoff)
        .$if(this.#dialect === 'postgres', (q) => q.forUpdate())
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const next = change(row);
      await trx
        .updateTable('mcp_sessions')
        .set({ data: next.data, last_accessed: next.lastAccessed })
        .where('session_id', '=', id)
        .execute();
      return next.value;
    });
  }

  /** The removed row's last access, or undefined when there was no row. */
  async delete(id: string): Promise<string | undefined> {
    const removed = await this.#db
      .deleteFrom('mcp_sessions')
      .where('session_id', '=', id)
      .returning('last_accessed')
      .executeTakeFirst();
    return removed?.last_accessed;
  }

  /** Least recently used first. */
  listBySubject(subject: string, cutoff: string): Promise<SessionRow[]> {
    return this.#db
      .selectFrom('mcp_sessions')
      .select(COLUMNS)
      .where('subject', '=', subject)
      .where('last_accessed', '>', cutoff)
      .orderBy('last_accessed')
      .orderBy('session_id')
      .execute();
  }

  /** Live rows, oldest first. */
  listLive(cutoff: string): Promise<SessionRow[]> {
    return this.#db
      .selectFrom('mcp_sessions')
      .select(COLUMNS)
      .where('last_accessed', '>', cutoff)
      .orderBy('created_at')
      .orderBy('session_id')
      .execute();
  }

  /** Deletes live rows, only those last accessed at or before `lastUsedBefore` when given; how many. */
  async deleteLive(cutoff: string, lastUsedBefore?: string): Promise<number> {
    const result = await this.#db
      .deleteFrom('mcp_sessions')
      .where('last_accessed', '>', cutoff)
      .$if(lastUsedBefore !== undefined, (q) => q.where('last_accessed', '<=', lastUsedBefore ?? ''))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** How many rows were deleted. */
  async deleteExpired(cutoff: string): Promise<number> {
    const result = await this.#db
      .deleteFrom('mcp_sessions')
      .where('last_accessed', '<=', cutoff)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  #liveQuery(db: Store['db'], id: string, cutoff: string) {
    return db
      .selectFrom('mcp_sessions')
      .select(COLUMNS)
      .where('session_id', '=', id)
      .where('last_accessed', '>', cutoff);
  }
}
