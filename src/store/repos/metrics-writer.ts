// MetricsWriter: the one writer of the *_metrics tables: batches of rows per kind, rows of deleted entities dropped.
import type { Kysely } from 'kysely';
import type { Store } from '../db.js';
import type { Database } from '../schema.js';
import type { MetricsKind } from './metrics.js';
import { chunks, metricsInserter, type MetricRow } from './metrics-insert.js';

export type { MetricRow } from './metrics-insert.js';

const TABLE = {
  tool: 'tool_metrics',
  resource: 'resource_metrics',
  prompt: 'prompt_metrics',
  server: 'server_metrics',
} as const;
const COLUMN = {
  tool: 'tool_id',
  resource: 'resource_id',
  prompt: 'prompt_id',
  server: 'server_id',
} as const;
const ENTITY_TABLE = { tool: 'tools', resource: 'resources', prompt: 'prompts', server: 'servers' } as const;

export interface MetricsWriter {
  write(kind: MetricsKind, rows: readonly MetricRow[]): Promise<void>;
}

export function createMetricsWriter(store: Store): MetricsWriter {
  const inserters = new Map<MetricsKind, (rows: readonly MetricRow[]) => Promise<void>>();
  const inserter = (kind: MetricsKind) => {
    let insert = inserters.get(kind);
    if (insert === undefined) {
      insert = metricsInserter(store.db, store.dialect, TABLE[kind], COLUMN[kind]);
      inserters.set(kind, insert);
    }
    return insert;
  };
  return {
    async write(kind, rows) {
      for (const chunk of chunks(rows)) {
        try {
          await inserter(kind)(chunk);
        } catch (error) {
          // An entity deleted since its call makes the chunk violate a foreign key: keep the rows of live entities.
          const live = await liveIds(store.db, kind, [...new Set(chunk.map((r) => r[0]))]);
          const kept = chunk.filter((r) => live.has(r[0]));
          if (kept.length === chunk.length) throw error;
          if (kept.length > 0) await inserter(kind)(kept);
        }
      }
    },
  };
}

async function liveIds(db: Kysely<Database>, kind: MetricsKind, ids: string[]): Promise<Set<string>> {
  const rows = await db.selectFrom(ENTITY_TABLE[kind]).select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}
