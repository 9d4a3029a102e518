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

/** The audit fields every read model carries, in the API's camelCase. */
export interface AuditedRead {
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
  modifiedBy: string | null;
  version: number;
}

export function auditedRead(row: {
  created_at: string;
  updated_at: string;
  created_by: string | null;
  modified_by: string | null;
  version: number;
}): AuditedRead {
  return {
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    createdBy: row.created_by,
    modifiedBy: row.modified_by,
    version: row.version,
  };
}
