// GatewayService: the record of each upstream MCP server (discovery and health belong to federation/); no HTTP here.
import type { Principal } from '../../auth/principal.js';
import { conflict, invalid, notFound } from '../../errors/app-error.js';
import { parseWith } from '../../http/validation.js';
import { newId, nowIso } from '../../lib/ids.js';
import type { Store } from '../../store/db.js';
import { GatewaysRepo, type GatewayRowUpdate, type OwnedCounts } from '../../store/repos/gateways.js';
import type { GatewayRow } from '../../store/schema.js';
import { uniqueViolationColumn } from '../../store/unique-violation.js';
import type { RegistryEvents } from '../common/events.js';
import { normalizeBody } from '../common/input.js';
import { toPage, type ListFilter, type Page } from '../common/pagination.js';
import {
  mergeMasked,
  openAuth,
  parseUpstreamAuth,
  sealAuth,
  type SecretCodec,
  type UpstreamAuth,
} from '../common/upstream-auth.js';
import { toGatewayRead, type GatewayRead } from './read-model.js';
import { gatewayCreateSchema, gatewayUpdateSchema } from './schema.js';
import { slugify } from './slug.js';

export interface GatewayServiceOptions {
  store: Store;
  secrets: SecretCodec;
  events: RegistryEvents;
}

/** A gateway with its credentials in clear, for federation only. */
export interface GatewayRecord {
  row: GatewayRow;
  auth: UpstreamAuth | null;
}

const DEFAULT_TRANSPORT = 'STREAMABLEHTTP';

export class GatewayService {
  readonly #store: Store;
  readonly #repo: GatewaysRepo;
  readonly #secrets: SecretCodec;
  readonly #events: RegistryEvents;

  constructor(opts: GatewayServiceOptions) {
    this.#store = opts.store;
    this.#repo = new GatewaysRepo(opts.store.db);
    this.#secrets = opts.secrets;
    this.#events = opts.events;
  }

  async create(body: unknown, principal: Principal): Promise<GatewayRead> {
    const raw = normalizeBody(body, 'gateway');
    const input = parseWith(gatewayCreateSchema, raw);
    const slug = slugOf(input.name);
    const auth = parseUpstreamAuth(raw) ?? null;
    const now = nowIso();
    const id = newId();
    await this.#write(input.name, slug, () =>
      this.#repo.insert({
        id,
        name: input.name,
        slug,
        url: input.url,
        description: input.description ?? null,
        transport: input.transport ?? DEFAULT_TRANSPORT,
        capabilities: '{}',
        ...sealAuth(this.#secrets, auth),
        passthrough_auth: input.passthrough_auth === true ? 1 : 0,
        passthrough_headers: JSON.stringify(input.passthrough_headers ?? []),
        prefix_mode: input.prefix_mode ?? 'always',
        timeout_ms: input.timeout_ms ?? null,
        command: null,
        enabled: 1,
        reachable: 1,
        last_seen: null,
        tags: JSON.stringify(input.tags ?? []),
        created_at: now,
        updated_at: now,
        created_by: principal.subject,
        modified_by: principal.subject,
        version: 1,
      }),
    );
    return this.get(id);
  }

  async update(id: string, body: unknown, principal: Principal): Promise<GatewayRead> {
    const row = await this.#require(id);
    const raw = normalizeBody(body, 'gateway');
    const input = parseWith(gatewayUpdateSchema, raw);
    const patch: GatewayRowUpdate = {
      updated_at: nowIso(),
      modified_by: principal.subject,
      version: row.version + 1,
    };
    // Renaming re-slugs; the federated names built from the old slug are refreshed by re-discovery.
    if (input.name !== undefined) Object.assign(patch, { name: input.name, slug: slugOf(input.name) });
    if (input.url !== undefined) patch.url = input.url;
    if (input.description !== undefined) patch.description = input.description ?? null;
    if (input.transport !== undefined) patch.transport = input.transport;
    if (input.passthrough_auth !== undefined) patch.passthrough_auth = input.passthrough_auth ? 1 : 0;
    if (input.passthrough_headers !== undefined)
      patch.passthrough_headers = JSON.stringify(input.passthrough_headers ?? []);
    if (input.prefix_mode !== undefined) patch.prefix_mode = input.prefix_mode;
    if (input.timeout_ms !== undefined) patch.timeout_ms = input.timeout_ms ?? null;
    if (input.tags !== undefined) patch.tags = JSON.stringify(input.tags);
    const auth = parseUpstreamAuth(raw);
    if (auth !== undefined) {
      const merged = auth === null ? null : mergeMasked(auth, openAuth(this.#secrets, row.auth_value));
      Object.assign(patch, sealAuth(this.#secrets, merged));
    }
    await this.#write(input.name, patch.slug, () => this.#repo.update(id, patch));
    return this.get(id);
  }

  /** Disabling a gateway disables everything it owns in the same transaction; enabling re-enables it all. */
  async setEnabled(id: string, enabled: boolean, principal: Principal): Promise<GatewayRead> {
    const row = await this.#require(id);
    const now = nowIso();
    const changed = await this.#store.db.transaction().execute(async (trx) => {
      const repo = new GatewaysRepo(trx);
      if ((row.enabled === 1) !== enabled) {
        await repo.update(id, {
          enabled: enabled ? 1 : 0,
          updated_at: now,
          modified_by: principal.subject,
          version: row.version + 1,
        });
      }
      return repo.setOwnedEnabled(id, enabled, now);
    });
    this.#announce(changed);
    return this.get(id);
  }

  /** Its tools, resources and prompts (and their server associations) go with it through the foreign keys. */
  async delete(id: string): Promise<void> {
    const owned = await this.#store.db.transaction().execute(async (trx) => {
      const repo = new GatewaysRepo(trx);
      const counts = await repo.countOwned(id);
      if (!(await repo.delete(id))) throw notFound('Gateway', id);
      return counts;
    });
    this.#announce(owned);
  }

  async get(id: string): Promise<GatewayRead> {
    return toGatewayRead(await this.#require(id), this.#secrets);
  }

  async list(filter: ListFilter): Promise<Page<GatewayRead>> {
    const page = toPage(await this.#repo.list(filter), filter.limit, (r) => r.name);
    return { items: page.items.map((r) => toGatewayRead(r, this.#secrets)), nextCursor: page.nextCursor };
  }

  /** The gateway with its credentials decrypted, for the federation layer to connect with. */
  async recordById(id: string): Promise<GatewayRecord | undefined> {
    const row = await this.#repo.byId(id);
    if (row === undefined) return undefined;
    return { row, auth: openAuth(this.#secrets, row.auth_value) };
  }

  #announce(counts: OwnedCounts): void {
    for (const kind of ['tools', 'resources', 'prompts'] as const)
      if (counts[kind] > 0) this.#events.emit({ type: 'list_changed', kind });
  }

  async #require(id: string): Promise<GatewayRow> {
    const row = await this.#repo.byId(id);
    if (row === undefined) throw notFound('Gateway', id);
    return row;
  }

  /** Runs a write; a unique clash becomes a 409 naming the field (name, or the slug derived from it). */
  async #write(name: string | undefined, slug: string | undefined, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      const column = uniqueViolationColumn(error);
      if (column === undefined) throw error;
      if (column === 'slug')
        throw conflict(
          `A gateway with slug "${slug ?? '?'}" already exists (derived from name "${name ?? '?'}"): choose a name that differs in its letters or digits`,
          { field: 'slug' },
        );
      throw conflict(`A gateway with name "${name ?? '?'}" already exists: choose another name`, {
        field: column || 'name',
      });
    }
  }
}

function slugOf(name: string): string {
  const slug = slugify(name);
  if (slug.length === 0)
    throw invalid(`name: "${name}" must contain at least one letter or digit (its slug would be empty)`);
  return slug;
}
