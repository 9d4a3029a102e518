// What an import did (or, in a dry run, would do): one line per entity, ContextForge's progress counts, and the
// status record GET /import/status/{id} answers with.

export type ChangeAction = 'create' | 'update' | 'unchanged' | 'skip' | 'rename' | 'fail';

export interface Change {
  /** tools, gateways, … ; a gateway's federated entities say gateways/<name>/tools. */
  type: string;
  name: string;
  action: ChangeAction;
  /** update: the fields that differ. */
  fields?: string[];
  /** rename: the name (URI for resources) it was created under. */
  renamed_to?: string;
  error?: string;
}

export interface ImportStatus {
  import_id: string;
  status: 'running' | 'completed' | 'failed';
  dry_run: boolean;
  conflict_strategy: string;
  progress: {
    total: number;
    processed: number;
    created: number;
    updated: number;
    skipped: number;
    failed: number;
  };
  changes: Change[];
  errors: string[];
  warnings: string[];
  /** Gateways discovered after the import (in the background): gateway id → "ok" or what failed. */
  discovery: Record<string, string>;
  started_at: string;
  completed_at: string | null;
}

export function newStatus(id: string, dryRun: boolean, strategy: string, now: string): ImportStatus {
  return {
    import_id: id,
    status: 'running',
    dry_run: dryRun,
    conflict_strategy: strategy,
    progress: { total: 0, processed: 0, created: 0, updated: 0, skipped: 0, failed: 0 },
    changes: [],
    errors: [],
    warnings: [],
    discovery: {},
    started_at: now,
    completed_at: null,
  };
}

export function record(status: ImportStatus, change: Change): void {
  status.changes.push(change);
  const p = status.progress;
  p.total += 1;
  if (change.action === 'fail') {
    p.failed += 1;
    status.errors.push(`${change.type} ${change.name}: ${change.error ?? 'failed'}`);
    return;
  }
  p.processed += 1;
  if (change.action === 'create' || change.action === 'rename') p.created += 1;
  else if (change.action === 'update') p.updated += 1;
  else p.skipped += 1;
  if (change.action === 'rename')
    status.warnings.push(`Renamed ${change.type} ${change.name} to ${change.renamed_to}`);
}

/** Recent statuses, newest kept: imports run in the request, so this only answers later status queries. */
export class ImportStatuses {
  readonly #byId = new Map<string, ImportStatus>();
  constructor(private readonly keep = 100) {}

  add(status: ImportStatus): void {
    this.#byId.set(status.import_id, status);
    while (this.#byId.size > this.keep) this.#byId.delete(this.#byId.keys().next().value!);
  }

  get(id: string): ImportStatus | undefined {
    return this.#byId.get(id);
  }
}
