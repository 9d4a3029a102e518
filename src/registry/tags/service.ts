// TagService: every tag in use across tools, resources, prompts, servers and gateways, with counts (ContextForge's /tags).
import { TagsRepo, type TaggableTable } from '../../store/repos/tags.js';
import type { Store } from '../../store/db.js';
import { parseJsonColumn } from '../common/json-column.js';

export type TagStats = Record<TaggableTable | 'total', number>;

export interface TaggedEntity {
  id: string;
  name: string;
  /** Singular: tool, resource, prompt, server, gateway. */
  type: string;
  description: string | null;
}

export interface TagInfo {
  name: string;
  stats: TagStats;
  entities: TaggedEntity[];
}

const SINGULAR: Record<TaggableTable, string> = {
  tools: 'tool',
  resources: 'resource',
  prompts: 'prompt',
  servers: 'server',
  gateways: 'gateway',
};

export interface TagListOptions {
  entityTypes: readonly TaggableTable[];
  includeEntities: boolean;
}

export class TagService {
  readonly #repo: TagsRepo;

  constructor(opts: { store: Store }) {
    this.#repo = new TagsRepo(opts.store.db);
  }

  /** Every tag in use, sorted by name, with per-kind counts; entities only when asked for. */
  async list(opts: TagListOptions): Promise<TagInfo[]> {
    const index = await this.#index(opts.entityTypes);
    return [...index.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((info) => (opts.includeEntities ? info : { ...info, entities: [] }));
  }

  /** The entities carrying one tag (ContextForge's GET /tags/{name}/entities). */
  async entities(tag: string, entityTypes: readonly TaggableTable[]): Promise<TaggedEntity[]> {
    const index = await this.#index(entityTypes);
    return index.get(tag.trim().toLowerCase())?.entities ?? [];
  }

  async #index(types: readonly TaggableTable[]): Promise<Map<string, TagInfo>> {
    const index = new Map<string, TagInfo>();
    for (const table of types) {
      for (const row of await this.#repo.tagged(table)) {
        for (const tag of parseJsonColumn<string[]>(row.tags)) {
          let info = index.get(tag);
          if (info === undefined) {
            info = { name: tag, stats: emptyStats(), entities: [] };
            index.set(tag, info);
          }
          info.stats[table] += 1;
          info.stats.total += 1;
          info.entities.push({
            id: row.id,
            name: row.name,
            type: SINGULAR[table],
            description: row.description,
          });
        }
      }
    }
    return index;
  }
}

function emptyStats(): TagStats {
  return { tools: 0, resources: 0, prompts: 0, servers: 0, gateways: 0, total: 0 };
}
