// Aggregates of the four metrics tables: per entity (for read models) and per kind (for GET /metrics).
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

export type MetricsKind = 'tool' | 'resource' | 'prompt' | 'server';

export interface MetricsSummary {
  totalExecutions: number;
  successfulExecutions: number;
  failedExecutions: number;
  failureRate: number;
  minResponseTime: number | null;
  maxResponseTime: number | null;
  avgResponseTime: number | null;
  lastExecutionTime: string | null;
}

export const EMPTY_METRICS: MetricsSummary = Object.freeze({
  totalExecutions: 0,
  successfulExecutions: 0,
  failedExecutions: 0,
  failureRate: 0,
  minResponseTime: null,
  maxResponseTime: null,
  avgResponseTime: null,
  lastExecutionTime: null,
});

const TABLES = {
  tool: { table: 'tool_metrics', column: 'tool_id' },
  resource: { table: 'resource_metrics', column: 'resource_id' },
  prompt: { table: 'prompt_metrics', column: 'prompt_id' },
  server: { table: 'server_metrics', column: 'server_id' },
} as const;

interface AggregateRow {
  entity_id?: string;
  total: number | string;
  successes: number | string | null;
  min_rt: number | string | null;
  max_rt: number | string | null;
  avg_rt: number | string | null;
  last_at: string | null;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toSummary(row: AggregateRow | undefined): MetricsSummary {
  if (row === undefined || Number(row.total) === 0) return EMPTY_METRICS;
  const total = Number(row.total);
  const successes = Number(row.successes ?? 0);
  return {
    totalExecutions: total,
    successfulExecutions: successes,
    failedExecutions: total - successes,
    failureRate: (total - successes) / total,
    minResponseTime: num(row.min_rt),
    maxResponseTime: num(row.max_rt),
    avgResponseTime: num(row.avg_rt),
    lastExecutionTime: row.last_at,
  };
}

const aggregates = sql`count(*) as total, sum(is_success) as successes, min(response_time) as min_rt,
  max(response_time) as max_rt, avg(response_time) as avg_rt, max(timestamp) as last_at`;

/** One query for a whole page of entities; entities without rows get EMPTY_METRICS. */
export async function metricsFor(
  db: Kysely<Database>,
  kind: MetricsKind,
  ids: readonly string[],
): Promise<Map<string, MetricsSummary>> {
  const out = new Map<string, MetricsSummary>();
  if (ids.length === 0) return out;
  const { table, column } = TABLES[kind];
  const result = await sql<AggregateRow>`select ${sql.ref(column)} as entity_id, ${aggregates}
    from ${sql.table(table)} where ${sql.ref(column)} in (${sql.join(ids)}) group by ${sql.ref(column)}`.execute(
    db,
  );
  for (const row of result.rows) out.set(String(row.entity_id), toSummary(row));
  for (const id of ids) if (!out.has(id)) out.set(id, EMPTY_METRICS);
  return out;
}

export async function metricsOfKind(db: Kysely<Database>, kind: MetricsKind): Promise<MetricsSummary> {
  const { table } = TABLES[kind];
  const result = await sql<AggregateRow>`select ${aggregates} from ${sql.table(table)}`.execute(db);
  return toSummary(result.rows[0]);
}

/** Deletes recorded metrics: all four tables, one kind, or one entity of a kind; returns the rows removed. */
export async function deleteMetrics(db: Kysely<Database>, kind?: MetricsKind, id?: string): Promise<number> {
  let removed = 0;
  for (const k of kind === undefined ? (Object.keys(TABLES) as MetricsKind[]) : [kind]) {
    const { table, column } = TABLES[k];
    const where = id === undefined ? sql`` : sql` where ${sql.ref(column)} = ${id}`;
    const result = await sql`delete from ${sql.table(table)}${where}`.execute(db);
    removed += Number(result.numAffectedRows ?? 0);
  }
  return removed;
}
