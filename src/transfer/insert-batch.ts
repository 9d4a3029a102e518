// An import's new rows of one table, written a batch at a time: one round trip per few hundred rows, not per row.
import { conflict } from '../errors/app-error.js';
import { uniqueViolationColumn } from '../store/unique-violation.js';

/**
 * 500 rows of ~30 columns stay far below PostgreSQL's 65,535 bind parameters and SQLite's 32,766. On
 * PostgreSQL a row per round trip made a 10,000-tool import wait ~15 s on the server (bench/transfer).
 */
export const BATCH_ROWS = 500;

export class InsertBatch<Row> {
  #rows: Row[] = [];

  /** `size` 1 writes each row at once (continue-on-error: each entity's savepoint must cover its own insert). */
  constructor(
    private readonly table: string,
    private readonly write: (rows: readonly Row[]) => Promise<void>,
    private readonly size: number = BATCH_ROWS,
  ) {}

  async add(row: Row): Promise<void> {
    this.#rows.push(row);
    if (this.#rows.length >= this.size) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#rows.length === 0) return;
    const rows = this.#rows;
    this.#rows = [];
    try {
      await this.write(rows);
    } catch (error) {
      // The indexes foresee every clash with what the registry held; a batch can only clash with a write made meanwhile.
      if (uniqueViolationColumn(error) === undefined || this.size === 1) throw error;
      throw conflict(
        `${this.table}: one of ${rows.length} new rows clashes with an entity registered meanwhile: import again`,
      );
    }
  }
}
