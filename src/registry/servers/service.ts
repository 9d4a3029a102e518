// ServerService: virtual servers (named bundles of tools, resources and prompts); no HTTP here.
import type { Kysely } from 'kysely';
import type { Principal } from '../../auth/principal.js';
import { conflict, invalid, notFound } from '../../errors/app-error.js';
import { newId, nowIso } from '../../lib/ids.js';
import type { Store } from '../../store/db.js';
import { metricsFor } from '../../store/repos/metrics.js';
import {
  ASSOCIATION_KINDS,
  ServersRepo,
  type AssociationKind,
  type ServerRowUpdate,
} from '../../store/repos/servers.js';
import type { Database, ServerRow } from '../../store/schema.js';
import { uniqueViolationColumn } from '../../store/unique-violation.js';
import { parseWith } from '../../http/validation.js';
import { flipEnabled } from '../common/entity-steps.js';
import type { RegistryEvents } from '../common/events.js';
import type { LookupCache } from '../common/lookup-cache.js';
import { normalizeBody } from '../common/input.js';
import { toPage, type ListFilter, type Page } from '../common/pagination.js';
import { toServerRead, type ServerRead } from './read-model.js';
import { serverCreateSchema, serverUpdateSchema, type ServerUpdateInput } from './schema.js';

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

type AssociationInput = Pick<ServerUpdateInput, (typeof FIELD_OF)[AssociationKind]>;

export class ServerService {
  readonly #store: Store;
  readonly #repo: ServersRepo;
  readonly #events: RegistryEvents;
  readonly #lookups: LookupCache | undefined;

  constructor(opts: ServerServiceOptions) {
    this.#store = opts.store;
    this.#repo = new ServersRepo(opts.store.db);
    this.#events = opts.events;
    this.#lookups = opts.lookups;
  }

  async create(body: unknown, principal: Principal): Promise<ServerRead> {
    const input = parseWith(serverCreateSchema, normalizeBody(body, 'server'));
    const now = nowIso();
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
        created_at: now,
        updated_at: now,
        created_by: principal.subject,
        modified_by: principal.subject,
        version: 1,
      });
      await setAssociations(repo, id, input);
    });
    this.#events.emit({ type: 'servers_changed' });
    return this.get(id);
  }

  async update(id: string, body: unknown, principal: Principal): Promise<ServerRead> {
    const row = await this.#require(id);
    const input = parseWith(serverUpdateSchema, normalizeBody(body, 'server'));
    const patch: ServerRowUpdate = {
      updated_at: nowIso(),
      modified_by: principal.subject,
      version: row.version + 1,
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
    this.#events.emit({ type: 'servers_changed' });
    return this.get(id);
  }

  async setEnabled(id: string, enabled: boolean, principal: Principal): Promise<ServerRead> {
    const row = await this.#require(id);
    if (await flipEnabled((i, patch) => this.#repo.update(i, patch), row, enabled, principal)) {
      this.#events.emit({ type: 'servers_changed' });
    }
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    if (!(await this.#repo.delete(id))) throw notFound('Server', id);
    this.#events.emit({ type: 'servers_changed' });
  }

  async get(id: string): Promise<ServerRead> {
    const row = await this.#require(id);
    return (await this.#read([row]))[0] as ServerRead;
  }

  async list(filter: ListFilter): Promise<Page<ServerRead>> {
    const page = toPage(await this.#repo.list(filter), filter.limit, (r) => r.name);
    return { items: await this.#read(page.items), nextCursor: page.nextCursor };
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
    await this.#require(id);
  }

  async #read(rows: ServerRow[]): Promise<ServerRead[]> {
    const ids = rows.map((r) => r.id);
    const [links, metrics] = await Promise.all([
      this.#repo.associations(ids),
      metricsFor(this.#store.db, 'server', ids),
    ]);
    return rows.map((r) => toServerRead(r, links.get(r.id)!, metrics.get(r.id)!));
  }

  async #require(id: string): Promise<ServerRow> {
    const row = await this.#repo.byId(id);
    if (row === undefined) throw notFound('Server', id);
    return row;
  }

  /** Runs the writes in one transaction (nothing half-written); a unique clash becomes a 409 naming the field. */
  async #write(
    name: string | undefined,
    id: string,
    work: (db: Kysely<Database>) => Promise<void>,
  ): Promise<void> {
    try {
      await this.#store.db.transaction().execute(work);
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
    await repo.replaceAssociations(serverId, kind, [...new Set(resolved.values())]);
  }
}
