// Steps every entity service repeats: the audited enable/disable flip, reads with metrics, and unique clashes as 409s.
import type { Kysely } from 'kysely';
import type { Principal } from '../../auth/principal.js';
import { conflict } from '../../errors/app-error.js';
import { nowIso } from '../../lib/ids.js';
import {
  EMPTY_METRICS,
  metricsFor,
  type MetricsKind,
  type MetricsSummary,
} from '../../store/repos/metrics.js';
import type { Database } from '../../store/schema.js';
import { uniqueViolationColumn } from '../../store/unique-violation.js';

export interface AuditedRow {
  id: string;
  enabled: number;
  version: number;
}

export interface EnabledPatch {
  enabled: number;
  updated_at: string;
  modified_by: string;
  version: number;
}

/** Writes the flip only when `enabled` differs; true when it wrote, so the caller emits its change event. */
export async function flipEnabled(
  update: (id: string, patch: EnabledPatch) => Promise<void>,
  row: AuditedRow,
  enabled: boolean,
  principal: Principal,
): Promise<boolean> {
  if ((row.enabled === 1) === enabled) return false;
  await update(row.id, {
    enabled: enabled ? 1 : 0,
    updated_at: nowIso(),
    modified_by: principal.subject,
    version: row.version + 1,
  });
  return true;
}

/** Rows as read models with their metrics, fetched in one query for all of them. */
export async function readWithMetrics<Row extends { id: string }, Read>(
  db: Kysely<Database>,
  kind: MetricsKind,
  rows: readonly Row[],
  toRead: (row: Row, metrics: MetricsSummary) => Read,
): Promise<Read[]> {
  const metrics = await metricsFor(
    db,
    kind,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toRead(r, metrics.get(r.id) ?? EMPTY_METRICS));
}

/** Runs a write; a unique clash becomes a 409 naming the field and the value, e.g. `A tool with name "x" already exists`. */
export async function writeUnique(
  work: () => Promise<void>,
  kind: string,
  field: string,
  value: string | undefined,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (uniqueViolationColumn(error) === undefined) throw error;
    throw conflict(`A ${kind} with ${field} "${value ?? '?'}" already exists: choose another ${field}`, {
      field,
    });
  }
}
