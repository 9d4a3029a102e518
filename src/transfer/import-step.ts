// One entity of an import: run it (alone in a savepoint when the run continues past errors) and record the outcome.
import type { Kysely } from 'kysely';
import { AppError, conflict } from '../errors/app-error.js';
import { inSavepoint } from '../store/db.js';
import type { Database } from '../store/schema.js';
import { uniqueViolationColumn } from '../store/unique-violation.js';
import { record, type ImportStatus } from './import-report.js';
import type { Upserted } from './upsert.js';

export async function importStep(
  trx: Kysely<Database>,
  opts: { continueOnError: boolean; status: ImportStatus },
  type: string,
  name: string,
  work: () => Promise<Upserted<unknown> | undefined>,
): Promise<void> {
  const { continueOnError, status } = opts;
  try {
    const done = continueOnError ? await inSavepoint(trx, 'transfer_entity', work) : await work();
    if (done === undefined) return;
    record(status, {
      type,
      name,
      action: done.action,
      ...(done.fields === undefined ? {} : { fields: done.fields }),
      ...(done.action === 'rename' ? { renamed_to: labelOf(done.row) } : {}),
    });
  } catch (thrown) {
    const error = named(thrown, type, name);
    const message = error instanceof Error ? error.message : String(error);
    record(status, { type, name, action: 'fail', error: message });
    if (!continueOnError) throw error;
  }
}

/** The error with the entity it is about; a unique clash the indexes could not foresee becomes a 409. */
function named(error: unknown, type: string, name: string): unknown {
  if (error instanceof AppError)
    return new AppError({ code: error.code, message: `${type} ${name}: ${error.message}`, data: error.data });
  if (uniqueViolationColumn(error) !== undefined)
    return conflict(`${type} ${name}: clashes with an entity registered meanwhile: import again`);
  return error;
}

function labelOf(row: unknown): string {
  const r = row as { name?: string; uri?: string };
  return r.name ?? r.uri ?? '';
}
