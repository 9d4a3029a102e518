// Audit columns: who created and last changed a row, when, and its version (optimistic concurrency and history).
import type { Principal } from '../../auth/principal.js';
import { nowIso } from '../../lib/ids.js';

export interface CreatedAudit {
  created_at: string;
  updated_at: string;
  created_by: string;
  modified_by: string;
  version: number;
}

export interface ChangedAudit {
  updated_at: string;
  modified_by: string;
  version: number;
}

/** The audit columns of a row `principal` creates now. */
export function createdBy(principal: Principal, now = nowIso()): CreatedAudit {
  return {
    created_at: now,
    updated_at: now,
    created_by: principal.subject,
    modified_by: principal.subject,
    version: 1,
  };
}

/** The audit columns of a change `principal` makes to `row` now. */
export function changedBy(row: { version: number }, principal: Principal, now = nowIso()): ChangedAudit {
  return { updated_at: now, modified_by: principal.subject, version: row.version + 1 };
}
