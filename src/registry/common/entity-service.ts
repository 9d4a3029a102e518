// EntityService: get / list / delete / setEnabled / require of every registry entity from its repo, read shape and event.
import type { Kysely } from 'kysely';
import type { Principal } from '../../auth/principal.js';
import { conflict, notFound } from '../../errors/app-error.js';
import type { Page } from '../../lib/cursor.js';
import { toPage, type ListFilter } from '../../store/repos/list-filter.js';
import {
  EMPTY_METRICS,
  metricsFor,
  type MetricsKind,
  type MetricsSummary,
} from '../../store/repos/metrics.js';
import type { Database } from '../../store/schema.js';
import { uniqueViolationColumn } from '../../store/unique-violation.js';
import { changedBy } from '../common/audit.js';

/** The columns every audited entity row has. */
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

/** What the helper needs of an entity's repo. */
export interface EntityRepo<Row> {
  byId(id: string): Promise<Row | undefined>;
  update(id: string, patch: EnabledPatch): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Rows in sort-key order, limit+1 of them when the filter has a limit. */
  list(filter: ListFilter, serverId?: string): Promise<Row[]>;
}

export interface EntitySpec<Row, Read> {
  /** As it reads in messages: 'Tool'. */
  noun: string;
  /** The collection, for cursors: 'tools'. */
  collection: string;
  repo: EntityRepo<Row>;
  /** The unique column lists are sorted by (name, uri). */
  sortKey(row: Row): string;
  /**
   * The one audited read shape: every row an API caller sees passes through here (metrics attached, secrets
   * masked), so ownership and visibility rules apply in one place.
   */
  read(rows: Row[]): Promise<Read[]>;
  /** Tells MCP clients and caches that this kind's lists changed. */
  changed(): void;
}

export class EntityService<Row extends AuditedRow, Read> {
  constructor(protected readonly entity: EntitySpec<Row, Read>) {}

  async get(id: string): Promise<Read> {
    return (await this.entity.read([await this.require(id)]))[0]!;
  }

  async list(filter: ListFilter, serverId?: string): Promise<Page<Read>> {
    const { entity } = this;
    const rows = await entity.repo.list(filter, serverId);
    const page = toPage(entity.collection, rows, filter.limit, (r) => entity.sortKey(r));
    return { items: await entity.read(page.items), nextCursor: page.nextCursor };
  }

  async delete(id: string): Promise<void> {
    if (!(await this.entity.repo.delete(id))) throw notFound(this.entity.noun, id);
    this.entity.changed();
  }

  /** Writes (and announces) the flip only when `enabled` differs. */
  async setEnabled(id: string, enabled: boolean, principal: Principal): Promise<Read> {
    const row = await this.require(id);
    if ((row.enabled === 1) !== enabled) {
      await this.entity.repo.update(row.id, {
        enabled: enabled ? 1 : 0,
        ...changedBy(row, principal),
      });
      this.entity.changed();
    }
    return this.get(id);
  }

  /** The row, or NotFound naming the kind and id. */
  async require(id: string): Promise<Row> {
    const row = await this.entity.repo.byId(id);
    if (row === undefined) throw notFound(this.entity.noun, id);
    return row;
  }
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
