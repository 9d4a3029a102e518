// Snapshot: every registry row export and import look at, read once through the repos (inactive rows included).
import type { Kysely } from 'kysely';
import { GatewaysRepo } from '../store/repos/gateways.js';
import type { ListFilter } from '../store/repos/list-filter.js';
import { PromptsRepo } from '../store/repos/prompts.js';
import { ResourcesRepo } from '../store/repos/resources.js';
import { RootsRepo } from '../store/repos/roots.js';
import { ServersRepo, type AssociationIds } from '../store/repos/servers.js';
import { ToolsRepo } from '../store/repos/tools.js';
import type {
  Database,
  GatewayRow,
  PromptRow,
  ResourceRow,
  RootRow,
  ServerRow,
  ToolRow,
} from '../store/schema.js';

export interface Snapshot {
  tools: ToolRow[];
  resources: ResourceRow[];
  prompts: PromptRow[];
  servers: ServerRow[];
  gateways: GatewayRow[];
  roots: RootRow[];
  links: Map<string, AssociationIds>;
}

const EVERYTHING: ListFilter = { includeInactive: true, tags: [], limit: 0 };

export async function readSnapshot(db: Kysely<Database>): Promise<Snapshot> {
  const servers = await new ServersRepo(db).list(EVERYTHING);
  return {
    tools: await new ToolsRepo(db).list(EVERYTHING),
    resources: await new ResourcesRepo(db).list(EVERYTHING),
    prompts: await new PromptsRepo(db).list(EVERYTHING),
    servers,
    gateways: await new GatewaysRepo(db).list(EVERYTHING),
    roots: await new RootsRepo(db).list(),
    links: await new ServersRepo(db).associations(servers.map((s) => s.id)),
  };
}
