// MetricsService: the aggregate execution metrics of every kind (GET /metrics) and their reset.
import { invalid } from '../../errors/app-error.js';
import type { Store } from '../../store/db.js';
import {
  deleteMetrics,
  metricsOfKind,
  type MetricsKind,
  type MetricsSummary,
} from '../../store/repos/metrics.js';

export interface MetricsOverview {
  tools: MetricsSummary;
  resources: MetricsSummary;
  prompts: MetricsSummary;
  servers: MetricsSummary;
}

export class MetricsService {
  readonly #store: Store;

  constructor(opts: { store: Store }) {
    this.#store = opts.store;
  }

  async overview(): Promise<MetricsOverview> {
    const db = this.#store.db;
    const [tools, resources, prompts, servers] = await Promise.all(
      (['tool', 'resource', 'prompt', 'server'] as const).map((k) => metricsOfKind(db, k)),
    );
    return { tools: tools!, resources: resources!, prompts: prompts!, servers: servers! };
  }

  /** Everything, one kind, or one entity of a kind (an id needs its kind: ids are unique per table only). */
  async reset(kind?: MetricsKind, id?: string): Promise<number> {
    if (id !== undefined && kind === undefined)
      throw invalid('entity: name the kind (tool, resource, prompt or server) of the id to reset');
    return deleteMetrics(this.#store.db, kind, id);
  }
}
