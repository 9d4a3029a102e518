// ServerService: virtual servers (named bundles of tools, resources and prompts); typed input, no HTTP here.
import type { Principal } from '../../auth/principal.js';
import { conflict, invalid, notFound } from '../../errors/app-error.js';
import { newId } from '../../lib/ids.js';
import { inTransaction, type Store } from '../../store/db.js';
import { metricsFor } from '../../store/repos/metrics.js';
import {
  ASSOCIATION_KINDS,
  ServersRepo,
  type AssociationKind,
  type ServerRowUpdate,
} from '../../store/repos/servers.js';
import type { ServerRow } from '../../store/schema.js';
import { uniqueViolationColumn } from '../../store/unique-violation.js';
import { EntityService } from '../common/entity-service.js';
import type { RegistryEvents } from '../common/events.js';
import type { LookupCache } from '../common/lookup-cache.js';
import { toServerRead, type ServerRead } from './read-model.js';
import type { ServerCreate, ServerUpdate } from './schema.js';
import { changedBy, createdBy } from '../common/audit.js';

export interface ServerServiceOptions {
  store: Store;
  events: RegistryEvents;
  /** Short-lived cache of the lookups an MCP call makes; none when absent. */
  lookups?: LookupCache;
}

/** What the MCP layer needs to serve a virtual server. */
export interface ServerScope {
  id: string;
  name: string;
  description: string | null;
}

const FIELD_OF: Record<AssociationKind, 'associated_tools' | 'associated_resources' | 'associated_prompts'> =
  {
    tool: 'associated_tools',
    resource: 'associated_resources',
    prompt: 'associated_prompts',
  };

type AssociationInput = Pick<ServerUpdate, (typeof FIELD_OF)[AssociationKind]>;

export class ServerService extends EntityService<ServerRow, ServerRead> {
  readonly #store: Store;
  readonly #repo: ServersRepo;
  readonly #lookups: LookupCache | undefined;

  constructor(opts: ServerServiceOptions) {
    const repo = new ServersRepo(opts.store.db);
    super({
      noun: 'Server',
      collection: 'servers',
      repo,
      sortKey: (r) => r.name,
      read: (rows) => readServers(opts.store, repo, rows),
      changed: () => opts.events.emit({ type: 'servers_changed' }),
    });
    this.#store = opts.store;
    this.#repo = repo;
    this.#lookups = opts.lookups;
  }

  async create(input: ServerCreate, principal: Principal): Promise<ServerRead> {
    const id = input.id ?? newId();
    await this.#write(input.name, id, async (db) => {
      const repo = new ServersRepo(db);
      await repo.insert({
        id,
        name: input.name,
        description: input.description ?? null,
        icon: input.icon ?? null,
        enabled: 1,
        tags: JSON.stringify(input.tags ?? []),
        ...createdBy(principal),
      });
      await setAssociations(repo, id, input);
    });
    this.entity.changed();
    return this.get(id);
  }

  async update(id: string, input: ServerUpdate, principal: Principal): Promise<ServerRead> {
    const row = await this.require(id);
    const patch: ServerRowUpdate = {
      ...changedBy(row, principal),
    };
    if (input.name !== undefined) patch.name = input.name;
    if (input.description !== undefined) patch.description = input.description ?? null;
    if (input.icon !== undefined) patch.icon = input.icon ?? null;
    if (input.tags !== undefined) patch.tags = JSON.stringify(input.tags);
    await this.#write(input.name, id, async (db) => {
      const repo = new ServersRepo(db);
      await repo.update(id, patch);
      await setAssociations(repo, id, input);
    });
    this.entity.changed();
    return this.get(id);
  }

  /** The server an MCP request is scoped to; NotFound when it is unknown or disabled (clients see no difference). */
  requireEnabled(id: string): Promise<ServerScope> {
    const load = () => this.#requireEnabled(id);
    return this.#lookups?.get(`server\0${id}`, load) ?? load();
  }

  async #requireEnabled(id: string): Promise<ServerScope> {
    const row = await this.#repo.byId(id);
    if (row === undefined || row.enabled !== 1) throw notFound('Server', id);
    return { id: row.id, name: row.name, description: row.description };
  }

  /** Throws NotFound for an unknown id (used before listing a server's associated entities). */
  async requireExists(id: string): Promise<void> {
    await this.require(id);
  }

  /** Runs the writes in one transaction (nothing half-written); a unique clash becomes a 409 naming the field. */
  async #write(
    name: string | undefined,
    id: string,
    work: (trx: Store['db']) => Promise<void>,
  ): Promise<void> {
    try {
      await inTransaction(this.#store, work);
    } catch (error) {
      const column = uniqueViolationColumn(error);
      if (column === undefined) throw error;
      if (column === 'id')
        throw conflict(`A server with id "${id}" already exists: choose another id`, { field: 'id' });
      throw conflict(`A server with name "${name ?? '?'}" already exists: choose another name`, {
        field: column || 'name',
      });
    }
  }
}

/** Resolves every given association field (ids or names) and replaces it; unknown references are a 422 naming them. */
async function setAssociations(repo: ServersRepo, serverId: string, input: AssociationInput): Promise<void> {
  for (const kind of ASSOCIATION_KINDS) {
    const field = FIELD_OF[kind];
    const refs = input[field];
    if (refs === undefined) continue;
    const list = refs ?? [];
    const resolved = await repo.resolve(kind, list);
    const unknown = list.filter((ref) => !resolved.has(ref));
    if (unknown.length > 0)
      throw invalid(`${field}: unknown ${kind}s: ${unknown.slice(0, 20).join(', ')}`, { field, unknown });
    const ids = [...new Set([...resolved.values()].map((found) => found[0]!))];
    if (kind === 'resource') {
      const origins = await repo.resourceOrigins([...new Set([...resolved.values()].flat())]);
      refuseAmbiguous(list, resolved, origins);
      refuseSameUri(await repo.resourceOrigins(ids));
    }
    await repo.replaceAssociations(serverId, kind, ids);
  }
}

type Origin = { id: string; uri: string; gateway: string | null };
const describe = (o: Origin) =>
  `${o.id} (${o.gateway === null ? 'not federated' : `gateway "${o.gateway}"`})`;

/** A URI that names several resources (the same URI from two gateways) must be given by id. */
function refuseAmbiguous(refs: readonly string[], resolved: Map<string, string[]>, origins: Origin[]): void {
  for (const ref of refs) {
    const ids = resolved.get(ref) ?? [];
    if (ids.length < 2) continue;
    const named = origins.filter((o) => ids.includes(o.id)).map(describe);
    throw conflict(
      `associated_resources: the URI "${ref}" names ${ids.length} resources (${named.join(', ')}): reference the one you mean by id`,
      { field: 'associated_resources', uri: ref, ids },
    );
  }
}

/** MCP clients address resources by URI: a virtual server cannot hold two with the same one. */
function refuseSameUri(origins: Origin[]): void {
  for (let i = 1; i < origins.length; i += 1) {
    const [a, b] = [origins[i - 1]!, origins[i]!];
    if (a.uri === b.uri)
      throw conflict(
        `associated_resources: resources ${describe(a)} and ${describe(b)} both have the URI "${a.uri}": a virtual server can hold only one of them`,
        { field: 'associated_resources', uri: a.uri, ids: [a.id, b.id] },
      );
  }
}

async function readServers(store: Store, repo: ServersRepo, rows: ServerRow[]): Promise<ServerRead[]> {
  const ids = rows.map((r) => r.id);
  const [links, metrics] = await Promise.all([repo.associations(ids), metricsFor(store.db, 'server', ids)]);
  return rows.map((r) => toServerRead(r, links.get(r.id)!, metrics.get(r.id)!));
}
