// GatewayService: the record of each upstream MCP server, discovered and re-synced through federation/ in one transaction; no HTTP here.
import { basename } from 'node:path';
import type { Principal } from '../../auth/principal.js';
import type { SecretCodec } from '../../auth/secret-box.js';
import { AppError, conflict, invalid, notFound } from '../../errors/app-error.js';
import type { Discovery } from '../../federation/discovery/discover.js';
import type { GatewayFederation } from '../../federation/discovery/gateway-federation.js';
import type { ForwardGateway } from '../../federation/forward/gateway-spec.js';
import type { UpstreamSpec, UpstreamTransport } from '../../federation/upstream-spec.js';
import { newId, nowIso } from '../../lib/ids.js';
import type { GatewayAuth } from '../../runtime/credentials.js';
import { inTransaction, type Store } from '../../store/db.js';
import { GatewaysRepo, type GatewayRowUpdate, type OwnedCounts } from '../../store/repos/gateways.js';
import type { GatewayRow } from '../../store/schema.js';
import { uniqueViolationColumn } from '../../store/unique-violation.js';
import { EntityService } from '../common/entity-service.js';
import type { RegistryEvents } from '../common/events.js';
import type { LookupCache } from '../common/lookup-cache.js';
import { mergeMasked, openGatewayAuth, sealAuth } from '../common/upstream-auth.js';
import { toGatewayRead, type GatewayRead } from './read-model.js';
import type { GatewayCreate, GatewayUpdate } from './schema.js';
import { slugify } from './slug.js';
import { changedKinds, syncDiscovery, type SyncCounts, type SyncReport } from './sync/sync-discovery.js';
import { commandOf, forwardGatewayOf, upstreamSpecOf } from './upstream-spec-of.js';
import { changedBy, createdBy } from '../common/audit.js';

export interface GatewayServiceOptions {
  store: Store;
  secrets: SecretCodec;
  events: RegistryEvents;
  /** Discovery and upstream lifecycle. Without it gateways are records only and nothing is contacted. */
  federation?: GatewayFederation | undefined;
  /** TOOL_TIMEOUT in milliseconds, for gateways without a timeout of their own. */
  defaultTimeoutMs?: number | undefined;
  /** Short-lived cache of the lookups an MCP call makes; none when absent. */
  lookups?: LookupCache;
}

/** POST /gateways/{id}/tools/refresh: tool counts at the top (ContextForge reads those), every kind below. */
export interface RefreshResult extends SyncCounts {
  gatewayId: string;
  tools: SyncCounts;
  resources: SyncCounts;
  prompts: SyncCounts;
}

/**
 * ContextForge's default for a gateway registered without a transport: SSE when the URL ends in /sse;
 * otherwise Streamable HTTP, falling back to SSE when the upstream does not speak it.
 */
function defaultTransport(url: string | undefined): UpstreamTransport {
  if (url === undefined) return 'STREAMABLEHTTP';
  return new URL(url).pathname.replace(/\/+$/, '').endsWith('/sse') ? 'SSE' : 'STREAMABLEHTTP';
}

/** STDIO gateways have no URL; the column holds a readable marker (argv may carry secrets, so only the program). */
const stdioUrl = (command: readonly string[]) => `stdio:${basename(command[0] ?? '')}`;

export class GatewayService extends EntityService<GatewayRow, GatewayRead> {
  readonly #store: Store;
  readonly #repo: GatewaysRepo;
  readonly #secrets: SecretCodec;
  readonly #events: RegistryEvents;
  readonly #lookups: LookupCache | undefined;
  readonly #federation: GatewayFederation | undefined;
  readonly #defaultTimeoutMs: number;
  /** The last sync write queued per gateway: a refresh and a list_changed re-sync never interleave here. */
  readonly #syncing = new Map<string, Promise<unknown>>();

  constructor(opts: GatewayServiceOptions) {
    const repo = new GatewaysRepo(opts.store.db);
    super({
      noun: 'Gateway',
      collection: 'gateways',
      repo,
      sortKey: (r) => r.name,
      read: (rows) => Promise.resolve(rows.map((r) => toGatewayRead(r, opts.secrets))),
      changed: () => opts.events.touched(),
    });
    this.#store = opts.store;
    this.#repo = repo;
    this.#secrets = opts.secrets;
    this.#events = opts.events;
    this.#federation = opts.federation;
    this.#defaultTimeoutMs = opts.defaultTimeoutMs ?? 60_000;
    this.#lookups = opts.lookups;
  }

  /** Checks the target, discovers (outside any transaction), then stores the gateway and all it offers at once. */
  async create(input: GatewayCreate, principal: Principal): Promise<GatewayRead> {
    const slug = slugOf(input.name);
    const { auth } = input;
    const transport = input.transport ?? defaultTransport(input.url);
    const command = transport === 'STDIO' ? (input.command ?? []) : null;
    const now = nowIso();
    const row: GatewayRow = {
      id: newId(),
      name: input.name,
      slug,
      url: command === null ? (input.url ?? '') : stdioUrl(command),
      description: input.description ?? null,
      transport,
      capabilities: '{}',
      server_info: '{}',
      ...sealAuth(this.#secrets, auth),
      passthrough_auth: input.passthrough_auth === true ? 1 : 0,
      passthrough_headers: JSON.stringify(input.passthrough_headers ?? []),
      prefix_mode: input.prefix_mode ?? 'always',
      timeout_ms: input.timeout_ms ?? null,
      command: command === null ? null : JSON.stringify(command),
      enabled: 1,
      reachable: 1,
      last_seen: null,
      tags: JSON.stringify(input.tags ?? []),
      ...createdBy(principal, now),
    };
    // A doomed registration (taken name) must not spawn or contact anything.
    const taken = await this.#repo.byNameOrSlug(row.name, slug);
    if (taken !== undefined) throw nameConflict(taken.name === row.name ? 'name' : 'slug', row.name, slug);
    const found =
      input.transport === undefined && transport === 'STREAMABLEHTTP'
        ? await this.#discoverWithFallback(row, auth)
        : await this.#discover(row, auth);
    const report = await this.#syncWrite(row.id, async (trx) => {
      await guardNames(row.name, slug, () => new GatewaysRepo(trx).insert(row));
      return found === undefined ? undefined : this.#sync(trx, row, found, principal);
    });
    this.#announceSync(report);
    return this.get(row.id);
  }

  /** Re-discovers when the target (url, transport, command, auth) or the naming (name, prefix mode) changes. */
  async update(id: string, input: GatewayUpdate, principal: Principal): Promise<GatewayRead> {
    const row = await this.require(id);
    const patch: GatewayRowUpdate = {
      ...changedBy(row, principal),
    };
    if (input.name !== undefined) Object.assign(patch, { name: input.name, slug: slugOf(input.name) });
    if (input.description !== undefined) patch.description = input.description ?? null;
    if (input.transport !== undefined) patch.transport = input.transport;
    if (input.passthrough_auth !== undefined) patch.passthrough_auth = input.passthrough_auth ? 1 : 0;
    if (input.passthrough_headers !== undefined)
      patch.passthrough_headers = JSON.stringify(input.passthrough_headers ?? []);
    if (input.prefix_mode !== undefined) patch.prefix_mode = input.prefix_mode;
    if (input.timeout_ms !== undefined) patch.timeout_ms = input.timeout_ms ?? null;
    if (input.tags !== undefined) patch.tags = JSON.stringify(input.tags);
    applyTarget(row, patch, input.url, input.command);
    const previousAuth = openGatewayAuth(this.#secrets, row.auth_value);
    let auth = previousAuth;
    const given = input.auth;
    if (given !== undefined) {
      auth = given === null ? null : mergeMasked(given, previousAuth);
      Object.assign(patch, sealAuth(this.#secrets, auth));
    }
    const next: GatewayRow = { ...row, ...(patch as Partial<GatewayRow>) };
    const retarget =
      next.url !== row.url ||
      next.transport !== row.transport ||
      next.command !== row.command ||
      JSON.stringify(auth) !== JSON.stringify(previousAuth);
    const rename = next.slug !== row.slug || next.prefix_mode !== row.prefix_mode;
    if (next.slug !== row.slug) {
      const taken = await this.#repo.byNameOrSlug(next.name, next.slug);
      if (taken !== undefined && taken.id !== id)
        throw nameConflict(taken.name === next.name ? 'name' : 'slug', next.name, next.slug);
    }
    const found = retarget || rename ? await this.#discover(next, auth) : undefined;
    const report = await this.#syncWrite(id, async (trx) => {
      await guardNames(input.name, next.slug, () => new GatewaysRepo(trx).update(id, patch));
      return found === undefined ? undefined : this.#sync(trx, next, found, principal);
    });
    // Sessions and children opened with the old target or credentials must not serve another call.
    this.#events.touched();
    if (retarget) await this.#federation?.release(id);
    this.#announceSync(report);
    return this.get(id);
  }

  /** Disabling a gateway disables everything it owns in the same transaction (and stops its upstream processes). */
  override async setEnabled(id: string, enabled: boolean, principal: Principal): Promise<GatewayRead> {
    const row = await this.require(id);
    const now = nowIso();
    const changed = await inTransaction(this.#store, async (trx) => {
      const repo = new GatewaysRepo(trx);
      if ((row.enabled === 1) !== enabled) {
        await repo.update(id, {
          enabled: enabled ? 1 : 0,
          ...changedBy(row, principal, now),
        });
      }
      return repo.setOwnedEnabled(id, enabled, now);
    });
    this.#events.touched();
    if (!enabled) await this.#federation?.release(id);
    this.#announce(changed);
    return this.get(id);
  }

  /** Its tools, resources and prompts (and their server associations) go with it through the foreign keys. */
  override async delete(id: string): Promise<void> {
    const owned = await inTransaction(this.#store, async (trx) => {
      const repo = new GatewaysRepo(trx);
      const counts = await repo.countOwned(id);
      if (!(await repo.delete(id))) throw notFound('Gateway', id);
      return counts;
    });
    this.#events.touched();
    await this.#federation?.release(id);
    this.#announce(owned);
  }

  /** Lists the upstream again and applies the difference: vanished entities go, changed ones are updated, renames stay. */
  async refresh(id: string, principal?: Principal): Promise<RefreshResult> {
    const row = await this.require(id);
    const found = await this.#discover(row, openGatewayAuth(this.#secrets, row.auth_value));
    if (found === undefined)
      throw new AppError({ code: 'Unavailable', message: 'Federation is not configured on this instance' });
    const report = await this.#syncWrite(id, async (trx) => {
      // Read again inside the transaction: a gateway deleted or renamed meanwhile must not be resurrected.
      const current = await new GatewaysRepo(trx).byId(id);
      if (current === undefined) throw notFound('Gateway', id);
      return this.#sync(trx, current, found, principal);
    });
    this.#events.touched();
    this.#announceSync(report);
    return { gatewayId: id, ...report.tools, ...report };
  }

  /** The gateway as the forwarder needs it (credentials decrypted), built once per cached lookup. */
  forwardTarget(id: string): Promise<ForwardGateway | undefined> {
    const load = async () => {
      const row = await this.#repo.byId(id);
      if (row === undefined) return undefined;
      return forwardGatewayOf(row, openGatewayAuth(this.#secrets, row.auth_value), this.#defaultTimeoutMs);
    };
    return this.#lookups?.get(`gateway\0${id}`, load) ?? load();
  }

  /** Every enabled gateway's UpstreamSpec, credentials decrypted (the health checker's round). */
  async healthTargets(): Promise<UpstreamSpec[]> {
    const rows = await this.#repo.enabledRows();
    return rows.map((row) =>
      upstreamSpecOf(row, openGatewayAuth(this.#secrets, row.auth_value), this.#defaultTimeoutMs),
    );
  }

  /** Records a health verdict on the gateway and its tools; true when the gateway's flag flipped. */
  async markReachable(id: string, reachable: boolean, at: string): Promise<boolean> {
    const flipped = await inTransaction(this.#store, (trx) =>
      new GatewaysRepo(trx).markReachable(id, reachable, at),
    );
    if (flipped) this.#events.touched();
    return flipped;
  }

  async #discover(row: GatewayRow, auth: GatewayAuth | null): Promise<Discovery | undefined> {
    const federation = this.#federation;
    if (federation === undefined) return undefined;
    const command = commandOf(row.command) ?? null;
    federation.checkTarget({ transport: row.transport as UpstreamTransport, url: row.url, command, auth });
    return federation.discover(upstreamSpecOf(row, auth, this.#defaultTimeoutMs));
  }

  /** Streamable HTTP first; when the upstream does not answer it, SSE (and the row says which one worked). */
  async #discoverWithFallback(row: GatewayRow, auth: GatewayAuth | null): Promise<Discovery | undefined> {
    try {
      return await this.#discover(row, auth);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'UpstreamFailed') throw error;
      try {
        const found = await this.#discover({ ...row, transport: 'SSE' }, auth);
        row.transport = 'SSE';
        return found;
      } catch {
        throw error;
      }
    }
  }

  /**
   * One transaction per sync, queued behind any other sync of the same gateway in this process. A unique
   * clash that the name checks could not foresee (another instance wrote meanwhile) is a 409, not a 500.
   */
  async #syncWrite<T>(gatewayId: string, work: (trx: Store['db']) => Promise<T>): Promise<T> {
    const previous = this.#syncing.get(gatewayId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => inTransaction(this.#store, work));
    this.#syncing.set(gatewayId, run);
    try {
      return await run;
    } catch (error) {
      if (uniqueViolationColumn(error) === undefined) throw error;
      throw conflict(
        'The registry changed while this gateway was being synced (a name or URI was taken meanwhile): try again',
      );
    } finally {
      if (this.#syncing.get(gatewayId) === run) this.#syncing.delete(gatewayId);
    }
  }

  /** No principal: a re-sync the system started (an upstream's list_changed). */
  #sync(trx: Store['db'], row: GatewayRow, found: Discovery, principal?: Principal): Promise<SyncReport> {
    return syncDiscovery(trx, row, found, {
      separator: this.#federation?.separator ?? '-',
      now: nowIso(),
      actor: principal?.subject ?? null,
    });
  }

  #announceSync(report: SyncReport | undefined): void {
    if (report === undefined) return;
    for (const kind of changedKinds(report)) this.#events.emit({ type: 'list_changed', kind });
  }

  #announce(counts: OwnedCounts): void {
    for (const kind of ['tools', 'resources', 'prompts'] as const)
      if (counts[kind] > 0) this.#events.emit({ type: 'list_changed', kind });
  }
}

/** url and command follow the (possibly new) transport: STDIO keeps a command and a marker URL, HTTP a URL. */
function applyTarget(
  row: GatewayRow,
  patch: GatewayRowUpdate,
  url: string | undefined,
  command: string[] | null | undefined,
): void {
  const transport = patch.transport ?? row.transport;
  if (transport === 'STDIO') {
    const argv = command ?? commandOf(row.command) ?? null;
    if (argv === null)
      throw invalid('command: a STDIO gateway needs command (an argv array)', { field: 'command' });
    patch.command = JSON.stringify(argv);
    patch.url = stdioUrl(argv);
    return;
  }
  if (url === undefined && row.transport === 'STDIO')
    throw invalid('url: required when a STDIO gateway changes to an HTTP transport', { field: 'url' });
  if (url !== undefined) patch.url = url;
  patch.command = null;
}

function nameConflict(column: string, name: string, slug: string): AppError {
  if (column === 'slug')
    return conflict(
      `A gateway with slug "${slug}" already exists (derived from name "${name}"): choose a name that differs in its letters or digits`,
      { field: 'slug' },
    );
  return conflict(`A gateway with name "${name}" already exists: choose another name`, {
    field: column || 'name',
  });
}

/** Runs the gateway row write; a unique clash (a concurrent registration) becomes the same 409 as the pre-check. */
async function guardNames(
  name: string | undefined,
  slug: string | undefined,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    const column = uniqueViolationColumn(error);
    if (column === undefined) throw error;
    throw nameConflict(column, name ?? '?', slug ?? '?');
  }
}

function slugOf(name: string): string {
  const slug = slugify(name);
  if (slug.length === 0)
    throw invalid(`name: "${name}" must contain at least one letter or digit (its slug would be empty)`);
  return slug;
}
