// metricsInserter: writes a batch of metric rows with a few cached INSERT texts instead of a query built per batch.
import { CompiledQuery, type Kysely } from 'kysely';
import type { SqlDialectName } from '../db.js';
import type { Database } from '../schema.js';

/** One metric row in column order: entity id, ISO timestamp, response time (s), success (0/1), error text. */
export type MetricRow = [
  id: string,
  timestamp: string,
  responseTime: number,
  success: 0 | 1,
  error: string | null,
];

/**
 * Why: Kysely turns every row of a multi-row insert into an operation tree and compiles the whole statement
 * on each flush: 2.0-3.1 µs of CPU per row on SQLite, against 1.6 µs with these texts (two rows per call).
 * A batch is cut into chunks of these sizes, so only a handful of distinct texts exist per table (SQLite
 * prepares each once, PostgreSQL parses a known text) and a chunk's parameters stay far under either limit.
 */
const CHUNKS = [100, 20, 5, 1] as const;
const COLUMNS = 5;

export function metricsInserter(
  db: Kysely<Database>,
  dialect: SqlDialectName,
  table: string,
  idColumn: string,
): (rows: readonly MetricRow[]) => Promise<void> {
  const texts = new Map<number, string>();
  const textFor = (size: number): string => {
    let text = texts.get(size);
    if (text === undefined) {
      const tuples: string[] = [];
      for (let row = 0; row < size; row++) {
        const slots: string[] = [];
        for (let col = 1; col <= COLUMNS; col++)
          slots.push(dialect === 'postgres' ? `$${row * COLUMNS + col}` : '?');
        tuples.push(`(${slots.join(', ')})`);
      }
      text = `insert into "${table}" ("${idColumn}", "timestamp", "response_time", "is_success", "error_message") values ${tuples.join(', ')}`;
      texts.set(size, text);
    }
    return text;
  };
  return async (rows) => {
    for (const chunk of chunks(rows))
      await db.executeQuery(CompiledQuery.raw(textFor(chunk.length), chunk.flat()));
  };
}

/** Cuts rows into runs of the CHUNKS sizes, largest first (127 rows: 100, 20, 5, 1, 1). */
export function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  let at = 0;
  for (const size of CHUNKS) for (; rows.length - at >= size; at += size) out.push(rows.slice(at, at + size));
  return out;
}
