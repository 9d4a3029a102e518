// EventBusPayloadsRepo: the one writer of event_bus_payloads, where bus messages too large for a NOTIFY wait to be read.
import type { Store } from '../db.js';

export class EventBusPayloadsRepo {
  readonly #db: Store['db'];

  constructor(store: Pick<Store, 'db'>) {
    this.#db = store.db;
  }

  /** Returns the new row's id, which the notification carries instead of the content. */
  async insert(content: string, at: string): Promise<number> {
    const row = await this.#db
      .insertInto('event_bus_payloads')
      .values({ content, created_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    // bigserial comes back from pg as a string: ids stay far below 2^53.
    return Number(row.id);
  }

  async content(id: number): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('event_bus_payloads')
      .select('content')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.content;
  }

  /** Removes rows created at or before `cutoff` (an ISO time); returns how many. */
  async pruneBefore(cutoff: string): Promise<number> {
    const result = await this.#db
      .deleteFrom('event_bus_payloads')
      .where('created_at', '<=', cutoff)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
