// One import inside one transaction: roots, gateways (with what was discovered from them), tools, resources,
// prompts, then servers and their links; each entity created, skipped, renamed or updated per the strategy.
import type { Kysely } from 'kysely';
import type { SecretCodec } from '../auth/secret-box.js';
import { conflict } from '../errors/app-error.js';
import { slugify } from '../registry/gateways/slug.js';
import { LIMITS } from '../registry/common/input.js';
import { GatewaysRepo } from '../store/repos/gateways.js';
import { PromptsRepo } from '../store/repos/prompts.js';
import { ResourcesRepo } from '../store/repos/resources.js';
import { RootsRepo } from '../store/repos/roots.js';
import { ASSOCIATION_KINDS, ServersRepo, type AssociationIds } from '../store/repos/servers.js';
import { ToolsRepo } from '../store/repos/tools.js';
import type { Database, GatewayRow, PromptRow, ResourceRow, ServerRow, ToolRow } from '../store/schema.js';
import type { EntryAuth, OpenedAuth } from './credentials.js';
import type { EntityType } from './export-format.js';
import type { ImportStatus } from './import-report.js';
import {
  FEDERATED_COLUMNS,
  FEDERATED_TOOL_COLUMNS,
  GATEWAY_COLUMNS,
  PROMPT_COLUMNS,
  RESOURCE_COLUMNS,
  SERVER_COLUMNS,
  TOOL_COLUMNS,
} from './import-columns.js';
import { importStep } from './import-step.js';
import { gatewayRow, promptRow, resourceRow, serverRow, toolRow, type RowContext } from './import-rows.js';
import {
  gatewayEntrySchema,
  parseEntry,
  promptEntrySchema,
  resourceEntrySchema,
  rootEntrySchema,
  serverEntrySchema,
  toolEntrySchema,
  type ImportDocument,
} from './import-schema.js';
import { InsertBatch } from './insert-batch.js';
import { freeName, Index, upsert, type ConflictStrategy, type Upserted } from './upsert.js';
import type { Snapshot } from './snapshot.js';

export type EntitySelection = Partial<Record<EntityType, string[]>>;

export interface ImportRunOptions {
  strategy: ConflictStrategy;
  continueOnError: boolean;
  selection?: EntitySelection | undefined;
  open: (entry: EntryAuth, what: string) => OpenedAuth;
  codec: SecretCodec;
  ctx: RowContext;
  status: ImportStatus;
}

/** What the caller does after commit: discover these gateways, announce these kinds. */
export interface ImportOutcome {
  discover: string[];
  changed: Set<'tools' | 'resources' | 'prompts' | 'servers' | 'gateways'>;
}

export async function runImport(
  trx: Kysely<Database>,
  snap: Snapshot,
  doc: ImportDocument,
  opts: ImportRunOptions,
): Promise<ImportOutcome> {
  return new ImportRun(trx, snap, opts).run(doc);
}

class ImportRun {
  readonly #tools: Index<ToolRow>;
  readonly #resources: Index<ResourceRow>;
  readonly #prompts: Index<PromptRow>;
  readonly #gateways: Index<GatewayRow>;
  readonly #servers: Index<ServerRow>;
  readonly #links: Map<string, AssociationIds>;
  readonly #roots: Map<string, string | null>;
  /** `<type>:<reference in the file>` → the id it became here. */
  readonly #ids = new Map<string, string>();
  readonly #outcome: ImportOutcome = { discover: [], changed: new Set() };
  /** New tools, resources and prompts wait here; everything that reads or links them runs after a flush. */
  readonly #newTools: InsertBatch<ToolRow>;
  readonly #newResources: InsertBatch<ResourceRow>;
  readonly #newPrompts: InsertBatch<PromptRow>;

  constructor(
    private readonly trx: Kysely<Database>,
    snap: Snapshot,
    private readonly opts: ImportRunOptions,
  ) {
    const owned = (r: { gateway_id: string | null }, key: string) =>
      r.gateway_id === null ? undefined : `g:${r.gateway_id}:${key}`;
    this.#tools = new Index(snap.tools, (r) => [`n:${r.name}`, owned(r, r.original_name)]);
    this.#resources = new Index(snap.resources, (r) => [
      r.gateway_id === null ? `u:${r.uri}` : owned(r, r.uri),
    ]);
    this.#prompts = new Index(snap.prompts, (r) => [`n:${r.name}`, owned(r, r.original_name)]);
    this.#gateways = new Index(snap.gateways, (r) => [`n:${r.name}`, `s:${r.slug}`]);
    this.#servers = new Index(snap.servers, (r) => [`n:${r.name}`]);
    this.#links = snap.links;
    this.#roots = new Map(snap.roots.map((r) => [r.uri, r.name]));
    const size = opts.continueOnError ? 1 : undefined;
    this.#newTools = new InsertBatch('tools', (rows) => new ToolsRepo(trx).insertMany(rows), size);
    this.#newResources = new InsertBatch(
      'resources',
      (rows) => new ResourcesRepo(trx).insertMany(rows),
      size,
    );
    this.#newPrompts = new InsertBatch('prompts', (rows) => new PromptsRepo(trx).insertMany(rows), size);
  }

  async #flush(): Promise<void> {
    await this.#newTools.flush();
    await this.#newResources.flush();
    await this.#newPrompts.flush();
  }

  async run(doc: ImportDocument): Promise<ImportOutcome> {
    const { entities } = doc;
    for (const [i, raw] of (entities.roots ?? []).entries()) await this.#root(raw, i);
    for (const [i, raw] of (entities.gateways ?? []).entries()) await this.#gateway(raw, i);
    for (const [i, raw] of (entities.tools ?? []).entries())
      await this.#tool(raw, `entities.tools[${i}]`, null, 'tools');
    for (const [i, raw] of (entities.resources ?? []).entries())
      await this.#resource(raw, `entities.resources[${i}]`, null, 'resources');
    for (const [i, raw] of (entities.prompts ?? []).entries())
      await this.#prompt(raw, `entities.prompts[${i}]`, null, 'prompts');
    await this.#flush(); // servers link what was created above
    for (const [i, raw] of (entities.servers ?? []).entries()) await this.#server(raw, i);
    return this.#outcome;
  }

  /** Whether selected_entities lets this entry in (any of its identifiers listed; an empty list takes all). */
  #selected(type: EntityType, ids: Array<string | null | undefined>): boolean {
    const { selection } = this.opts;
    if (selection === undefined) return true;
    const list = selection[type];
    if (list === undefined) return false;
    return list.length === 0 || ids.some((id) => id != null && list.includes(id));
  }

  /** One entity; with continue-on-error a failure is undone alone (a savepoint) and the run goes on. */
  #step(type: string, name: string, work: () => Promise<Upserted<unknown> | undefined>): Promise<void> {
    return importStep(this.trx, this.opts, type, name, work);
  }

  #warn(message: string | undefined): void {
    if (message !== undefined) this.opts.status.warnings.push(message);
  }

  #map(type: string, refs: Array<string | null | undefined>, id: string): void {
    for (const ref of refs) if (ref != null) this.#ids.set(`${type}:${ref}`, id);
  }

  async #root(raw: Record<string, unknown>, i: number): Promise<void> {
    const uri = typeof raw.uri === 'string' ? raw.uri : `#${i}`;
    if (!this.#selected('roots', [uri])) return;
    await this.#step('roots', uri, async () => {
      const e = parseEntry(rootEntrySchema, raw, `entities.roots[${i}]`);
      const repo = new RootsRepo(this.trx);
      const name = e.name ?? null;
      if (!this.#roots.has(e.uri)) {
        await repo.insert({ uri: e.uri, name, created_at: e.created_at ?? this.opts.ctx.now });
        this.#roots.set(e.uri, name);
        return { row: e, action: 'create' };
      }
      const { strategy } = this.opts;
      if (strategy === 'fail') throw conflict(`Root ${e.uri} already exists (conflict_strategy fail)`);
      if (strategy !== 'update' || this.#roots.get(e.uri) === name)
        return { row: e, action: strategy === 'update' ? 'unchanged' : 'skip' };
      await repo.rename(e.uri, name);
      this.#roots.set(e.uri, name);
      return { row: e, action: 'update', fields: ['name'] };
    });
  }

  async #gateway(raw: Record<string, unknown>, i: number): Promise<void> {
    const name = typeof raw.name === 'string' ? raw.name : `#${i}`;
    if (!this.#selected('gateways', [name, raw.id as string | undefined])) return;
    let result: Upserted<GatewayRow> | undefined;
    const where = `entities.gateways[${i}]`;
    await this.#step('gateways', name, async () => {
      const e = parseEntry(gatewayEntrySchema, raw, where);
      const opened = this.opts.open(e, `gateway ${e.name}`);
      this.#warn(opened.warning);
      const fresh = gatewayRow(e, this.opts.ctx);
      const existing = this.#gateways.get(`n:${fresh.name}`) ?? this.#gateways.get(`s:${fresh.slug}`);
      const repo = new GatewaysRepo(this.trx);
      result = await upsert({
        ...this.#common(`Gateway ${e.name}`),
        index: this.#gateways,
        existing,
        wanted: { ...fresh, id: this.#gateways.freeId(e.id) },
        compared: GATEWAY_COLUMNS,
        auth: opened.auth,
        renamed: () => {
          const taken = (n: string) =>
            this.#gateways.get(`n:${n}`) !== undefined || this.#gateways.get(`s:${slugify(n)}`) !== undefined;
          const free = freeName(fresh.name, taken, LIMITS.name);
          return { ...fresh, name: free, slug: slugify(free), id: this.#gateways.freeId(undefined) };
        },
        insert: (row) => repo.insert(row),
        update: (id, patch) => repo.update(id, patch),
      });
      this.#map('gateways', [e.id, e.name], result.row.id);
      if (result.action !== 'skip' && result.action !== 'unchanged') {
        this.#outcome.changed.add('gateways');
        this.#outcome.discover.push(result.row.id);
      }
      return result;
    });
    if (result !== undefined) await this.#federated(raw, where, result);
  }

  /** A gateway's discovered entities follow it: all of them when it was created, the admin's changes on update. */
  async #federated(
    raw: Record<string, unknown>,
    where: string,
    gateway: Upserted<GatewayRow>,
  ): Promise<void> {
    const owned = raw.federated as
      { tools?: unknown[]; resources?: unknown[]; prompts?: unknown[] } | undefined;
    if (owned === undefined || gateway.action === 'skip') return;
    if (gateway.action === 'rename') {
      this.#warn(
        `Gateway ${gateway.row.name}: created under a new name, so its entities are not imported; discovery lists them again (without the changes made to them)`,
      );
      return;
    }
    const type = (kind: string) => `gateways/${gateway.row.name}/${kind}`;
    for (const [i, t] of (owned.tools ?? []).entries())
      await this.#tool(
        t as Record<string, unknown>,
        `${where}.federated.tools[${i}]`,
        gateway.row.id,
        type('tools'),
      );
    for (const [i, r] of (owned.resources ?? []).entries())
      await this.#resource(
        r as Record<string, unknown>,
        `${where}.federated.resources[${i}]`,
        gateway.row.id,
        type('resources'),
      );
    for (const [i, p] of (owned.prompts ?? []).entries())
      await this.#prompt(
        p as Record<string, unknown>,
        `${where}.federated.prompts[${i}]`,
        gateway.row.id,
        type('prompts'),
      );
  }

  #common(describe: string) {
    const { strategy, codec, ctx } = this.opts;
    return { strategy, codec, describe, audit: ctx };
  }

  async #tool(
    raw: Record<string, unknown>,
    where: string,
    gatewayId: string | null,
    type: string,
  ): Promise<void> {
    const name = typeof raw.name === 'string' ? raw.name : where;
    if (
      gatewayId === null &&
      !this.#selected('tools', [
        name,
        raw.id as string | undefined,
        raw.registered_name as string | undefined,
      ])
    )
      return;
    await this.#step(type, name, async () => {
      const e = parseEntry(toolEntrySchema, raw, where);
      const opened = this.opts.open(e, `tool ${e.name}`);
      this.#warn(opened.warning);
      const fresh = toolRow(e, gatewayId, this.opts.ctx);
      const holder = this.#tools.get(`n:${fresh.name}`);
      const existing = gatewayId === null ? holder : this.#tools.get(`g:${gatewayId}:${fresh.original_name}`);
      if (gatewayId !== null && existing === undefined && holder !== undefined) {
        this.#warn(`Tool ${fresh.name} of ${type}: the name is taken here; discovery will name it`);
        return { row: holder, action: 'skip' } satisfies Upserted<ToolRow>;
      }
      const repo = new ToolsRepo(this.trx);
      const result = await upsert({
        ...this.#common(`Tool ${fresh.name}`),
        index: this.#tools,
        existing,
        wanted: { ...fresh, id: this.#tools.freeId(e.id) },
        compared: gatewayId === null ? TOOL_COLUMNS : FEDERATED_TOOL_COLUMNS,
        auth: opened.auth,
        cannotUpdate:
          gatewayId === null && existing?.gateway_id != null
            ? `Tool ${fresh.name}: the name belongs to a federated tool here; import with conflict_strategy rename or skip`
            : undefined,
        renamed: () => {
          const free = freeName(fresh.name, (n) => this.#tools.get(`n:${n}`) !== undefined, LIMITS.toolName);
          return { ...fresh, name: free, original_name: free, id: this.#tools.freeId(undefined) };
        },
        insert: (row) => this.#newTools.add(row),
        update: async (id, patch) => {
          await this.#flush(); // the row may be one this import created (a name twice in the file)
          await repo.update(id, patch);
        },
      });
      this.#map('tools', [e.id, e.registered_name, e.name], result.row.id);
      if (result.action !== 'skip' && result.action !== 'unchanged') this.#outcome.changed.add('tools');
      return result;
    });
  }

  async #resource(
    raw: Record<string, unknown>,
    where: string,
    gatewayId: string | null,
    type: string,
  ): Promise<void> {
    const uri = typeof raw.uri === 'string' ? raw.uri : where;
    if (
      gatewayId === null &&
      !this.#selected('resources', [uri, raw.id as string | undefined, raw.name as string | undefined])
    )
      return;
    await this.#step(type, uri, async () => {
      const e = parseEntry(resourceEntrySchema, raw, where);
      const fresh = resourceRow(e, gatewayId, this.opts.ctx);
      const key = gatewayId === null ? `u:${e.uri}` : `g:${gatewayId}:${e.uri}`;
      const repo = new ResourcesRepo(this.trx);
      const result = await upsert({
        ...this.#common(`Resource ${e.uri}`),
        index: this.#resources,
        existing: this.#resources.get(key),
        wanted: { ...fresh, id: this.#resources.freeId(e.id) },
        compared: gatewayId === null ? RESOURCE_COLUMNS : FEDERATED_COLUMNS,
        renamed: () => {
          const free = freeName(e.uri, (u) => this.#resources.get(`u:${u}`) !== undefined, LIMITS.url);
          return { ...fresh, uri: free, id: this.#resources.freeId(undefined) };
        },
        insert: (row) => this.#newResources.add(row),
        update: async (id, patch) => {
          await this.#flush(); // the row may be one this import created (a name twice in the file)
          await repo.update(id, patch);
        },
      });
      this.#map('resources', gatewayId === null ? [e.id, e.uri] : [e.id], result.row.id);
      if (result.action !== 'skip' && result.action !== 'unchanged') this.#outcome.changed.add('resources');
      return result;
    });
  }

  async #prompt(
    raw: Record<string, unknown>,
    where: string,
    gatewayId: string | null,
    type: string,
  ): Promise<void> {
    const name = typeof raw.name === 'string' ? raw.name : where;
    if (gatewayId === null && !this.#selected('prompts', [name, raw.id as string | undefined])) return;
    await this.#step(type, name, async () => {
      const e = parseEntry(promptEntrySchema, raw, where);
      const fresh = promptRow(e, gatewayId, this.opts.ctx);
      const holder = this.#prompts.get(`n:${fresh.name}`);
      const existing =
        gatewayId === null ? holder : this.#prompts.get(`g:${gatewayId}:${fresh.original_name}`);
      if (gatewayId !== null && existing === undefined && holder !== undefined) {
        this.#warn(`Prompt ${fresh.name} of ${type}: the name is taken here; discovery will name it`);
        return { row: holder, action: 'skip' } satisfies Upserted<PromptRow>;
      }
      const repo = new PromptsRepo(this.trx);
      const result = await upsert({
        ...this.#common(`Prompt ${fresh.name}`),
        index: this.#prompts,
        existing,
        wanted: { ...fresh, id: this.#prompts.freeId(e.id) },
        compared: gatewayId === null ? PROMPT_COLUMNS : FEDERATED_COLUMNS,
        cannotUpdate:
          gatewayId === null && existing?.gateway_id != null
            ? `Prompt ${fresh.name}: the name belongs to a federated prompt here; import with conflict_strategy rename or skip`
            : undefined,
        renamed: () => {
          const free = freeName(fresh.name, (n) => this.#prompts.get(`n:${n}`) !== undefined, LIMITS.name);
          return { ...fresh, name: free, original_name: free, id: this.#prompts.freeId(undefined) };
        },
        insert: (row) => this.#newPrompts.add(row),
        update: async (id, patch) => {
          await this.#flush(); // the row may be one this import created (a name twice in the file)
          await repo.update(id, patch);
        },
      });
      this.#map('prompts', [e.id, e.name], result.row.id);
      if (result.action !== 'skip' && result.action !== 'unchanged') this.#outcome.changed.add('prompts');
      return result;
    });
  }

  async #server(raw: Record<string, unknown>, i: number): Promise<void> {
    const name = typeof raw.name === 'string' ? raw.name : `#${i}`;
    if (!this.#selected('servers', [name, raw.id as string | undefined])) return;
    await this.#step('servers', name, async () => {
      const e = parseEntry(serverEntrySchema, raw, `entities.servers[${i}]`);
      const links: AssociationIds = {
        tool: this.#resolve('tools', e.tool_ids ?? e.associated_tools ?? [], e.name),
        resource: this.#resolve('resources', e.resource_ids ?? [], e.name),
        prompt: this.#resolve('prompts', e.prompt_ids ?? [], e.name),
      };
      const repo = new ServersRepo(this.trx);
      const existing = this.#servers.get(`n:${e.name}`);
      const held = existing === undefined ? undefined : this.#links.get(existing.id);
      const sameLinks =
        held !== undefined && ASSOCIATION_KINDS.every((k) => sorted(held[k]) === sorted(links[k]));
      const fresh = serverRow(e, this.opts.ctx);
      const result = await upsert({
        ...this.#common(`Server ${e.name}`),
        index: this.#servers,
        existing,
        wanted: { ...fresh, id: this.#servers.freeId(e.id) },
        compared: SERVER_COLUMNS,
        renamed: () => {
          const free = freeName(e.name, (n) => this.#servers.get(`n:${n}`) !== undefined, LIMITS.name);
          return { ...fresh, name: free, id: this.#servers.freeId(undefined) };
        },
        insert: (row) => repo.insert(row),
        update: (id, patch) => repo.update(id, patch),
      });
      let { action, fields } = result;
      if (action === 'unchanged' && !sameLinks) {
        // Only the links differ: the row's audit still records the change.
        const row = result.row;
        await repo.update(row.id, {
          updated_at: this.opts.ctx.now,
          modified_by: this.opts.ctx.actor,
          version: row.version + 1,
        });
        action = 'update';
        fields = [];
      }
      if (action === 'update' && !sameLinks) fields = [...(fields ?? []), 'links'];
      if (action === 'create' || action === 'rename' || (action === 'update' && !sameLinks)) {
        for (const kind of ASSOCIATION_KINDS)
          await repo.replaceAssociations(result.row.id, kind, links[kind]);
        this.#links.set(result.row.id, links);
      }
      if (action !== 'skip' && action !== 'unchanged') this.#outcome.changed.add('servers');
      return { ...result, action, ...(fields === undefined ? {} : { fields }) };
    });
  }

  /** File references through what this import created, else what the registry holds; the rest are dropped, said. */
  #resolve(type: 'tools' | 'resources' | 'prompts', refs: readonly string[], server: string): string[] {
    const index = { tools: this.#tools, resources: this.#resources, prompts: this.#prompts }[type];
    const local = type === 'resources' ? 'u:' : 'n:';
    const out: string[] = [];
    for (const ref of refs) {
      const id =
        this.#ids.get(`${type}:${ref}`) ?? index.byId.get(ref)?.id ?? index.get(`${local}${ref}`)?.id;
      if (id === undefined)
        this.#warn(
          `Server ${server}: ${type} "${ref}" is neither in the file nor registered here; link left out`,
        );
      else if (!out.includes(id)) out.push(id);
    }
    return out;
  }
}

const sorted = (ids: readonly string[]): string => [...ids].sort().join('\n');
