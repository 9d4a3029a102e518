// ToolService: the rules of the tools registry (validation, naming, secrets, events); no HTTP here.
import { AppError, notFound } from '../../errors/app-error.js';
import type { Principal } from '../../auth/principal.js';
import { newId, nowIso } from '../../lib/ids.js';
import { ToolsRepo } from '../../store/repos/tools.js';
import type { Store } from '../../store/db.js';
import type { ToolRow, ToolRowUpdate } from '../../store/schema.js';
import { flipEnabled, readWithMetrics, writeUnique } from '../common/entity-steps.js';
import type { RegistryEvents } from '../common/events.js';
import type { LookupCache } from '../common/lookup-cache.js';
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
import { parseWith } from '../../http/validation.js';
import { toMcpTool, toToolRead, type ToolRead } from './read-model.js';
import type { Tool } from '@modelcontextprotocol/server';
import { toolCreateSchema, toolUpdateSchema } from './schema.js';

const DEFAULT_INPUT_SCHEMA = { type: 'object', properties: {} };

export interface ToolServiceOptions {
  store: Store;
  secrets: SecretCodec;
  events: RegistryEvents;
  /** Short-lived cache of the lookups an MCP call makes; none when absent. */
  lookups?: LookupCache;
}

/** A tool with its credentials in clear, for the runtime only. */
export interface ToolRecord {
  row: ToolRow;
  auth: UpstreamAuth | null;
}

export class ToolService {
  readonly #store: Store;
  readonly #repo: ToolsRepo;
  readonly #secrets: SecretCodec;
  readonly #events: RegistryEvents;
  readonly #lookups: LookupCache | undefined;

  constructor(opts: ToolServiceOptions) {
    this.#lookups = opts.lookups;
    this.#store = opts.store;
    this.#repo = new ToolsRepo(opts.store.db);
    this.#secrets = opts.secrets;
    this.#events = opts.events;
  }

  async create(body: unknown, principal: Principal): Promise<ToolRead> {
    const raw = normalizeBody(body, 'tool');
    const input = parseWith(toolCreateSchema, raw);
    if (input.integration_type === 'MCP') {
      throw new AppError({
        code: 'Invalid',
        message: 'MCP tools are discovered from gateways: register the server with POST /gateways',
      });
    }
    const auth = parseUpstreamAuth(raw) ?? null;
    const now = nowIso();
    const id = newId();
    await writeUnique(
      () =>
        this.#repo.insert({
          id,
          original_name: input.name,
          custom_name: null,
          name: input.name,
          display_name: input.display_name ?? null,
          url: input.url,
          description: input.description ?? null,
          integration_type: 'REST',
          request_type: input.request_type ?? 'POST',
          headers: JSON.stringify(input.headers ?? {}),
          input_schema: JSON.stringify(input.input_schema ?? DEFAULT_INPUT_SCHEMA),
          output_schema: input.output_schema ? JSON.stringify(input.output_schema) : null,
          annotations: JSON.stringify(input.annotations ?? {}),
          jsonpath_filter: input.jsonpath_filter ?? null,
          timeout_ms: input.timeout_ms ?? null,
          ...sealAuth(this.#secrets, auth),
          gateway_id: null,
          enabled: 1,
          reachable: 1,
          tags: JSON.stringify(input.tags ?? []),
          created_at: now,
          updated_at: now,
          created_by: principal.subject,
          modified_by: principal.subject,
          version: 1,
        }),
      'tool',
      'name',
      input.name,
    );
    this.#events.emit({ type: 'list_changed', kind: 'tools' });
    return this.get(id);
  }

  async update(id: string, body: unknown, principal: Principal): Promise<ToolRead> {
    const row = await this.#require(id);
    const raw = normalizeBody(body, 'tool');
    const input = parseWith(toolUpdateSchema, raw);
    const patch: ToolRowUpdate = {
      updated_at: nowIso(),
      modified_by: principal.subject,
      version: row.version + 1,
    };
    if (row.gateway_id !== null) {
      // Federated tools mirror their upstream: only presentation fields are ours to change.
      const upstreamOwned = [
        'url',
        'input_schema',
        'output_schema',
        'request_type',
        'integration_type',
      ] as const;
      const touched = upstreamOwned.filter((k) => input[k] !== undefined);
      if (touched.length > 0)
        throw new AppError({
          code: 'Invalid',
          message: `${touched.join(', ')} of a federated tool come from its gateway and cannot be changed`,
        });
      if (input.name !== undefined) patch.custom_name = input.name;
    } else if (input.name !== undefined) {
      patch.original_name = input.name;
    }
    if (input.name !== undefined) patch.name = input.name;
    if (input.display_name !== undefined) patch.display_name = input.display_name;
    if (input.url !== undefined) patch.url = input.url;
    if (input.description !== undefined) patch.description = input.description;
    if (input.request_type !== undefined) patch.request_type = input.request_type;
    if (input.headers !== undefined) patch.headers = JSON.stringify(input.headers ?? {});
    if (input.input_schema !== undefined)
      patch.input_schema = JSON.stringify(input.input_schema ?? DEFAULT_INPUT_SCHEMA);
    if (input.output_schema !== undefined)
      patch.output_schema = input.output_schema ? JSON.stringify(input.output_schema) : null;
    if (input.annotations !== undefined) patch.annotations = JSON.stringify(input.annotations ?? {});
    if (input.jsonpath_filter !== undefined) patch.jsonpath_filter = input.jsonpath_filter ?? null;
    if (input.timeout_ms !== undefined) patch.timeout_ms = input.timeout_ms ?? null;
    if (input.tags !== undefined) patch.tags = JSON.stringify(input.tags);
    const auth = parseUpstreamAuth(raw);
    if (auth !== undefined) {
      const merged = auth === null ? null : mergeMasked(auth, openAuth(this.#secrets, row.auth_value));
      Object.assign(patch, sealAuth(this.#secrets, merged));
    }
    await writeUnique(() => this.#repo.update(id, patch), 'tool', 'name', input.name);
    this.#events.emit({ type: 'list_changed', kind: 'tools' });
    return this.get(id);
  }

  async setEnabled(id: string, enabled: boolean, principal: Principal): Promise<ToolRead> {
    const row = await this.#require(id);
    if (await flipEnabled((i, patch) => this.#repo.update(i, patch), row, enabled, principal)) {
      this.#events.emit({ type: 'list_changed', kind: 'tools' });
    }
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    if (!(await this.#repo.delete(id))) throw notFound('Tool', id);
    this.#events.emit({ type: 'list_changed', kind: 'tools' });
  }

  async get(id: string): Promise<ToolRead> {
    return (await this.#read([await this.#require(id)]))[0]!;
  }

  async list(filter: ListFilter, serverId?: string): Promise<Page<ToolRead>> {
    const page = toPage(await this.#repo.list(filter, serverId), filter.limit, (r) => r.name);
    return { items: await this.#read(page.items), nextCursor: page.nextCursor };
  }

  #read(rows: ToolRow[]): Promise<ToolRead[]> {
    return readWithMetrics(this.#store.db, 'tool', rows, (r, m) => toToolRead(r, this.#secrets, m));
  }

  /** The tool called `name` with its credentials decrypted (enabled or not), for invocation and tests. */
  async recordByName(name: string): Promise<ToolRecord | undefined> {
    const row = await this.#repo.byName(name);
    if (row === undefined) return undefined;
    return { row, auth: openAuth(this.#secrets, row.auth_value) };
  }

  /** MCP tools/list: every enabled tool, or those of one virtual server, in name order. */
  async listMcpTools(serverId?: string): Promise<Tool[]> {
    const rows = await this.#repo.list({ includeInactive: false, tags: [], limit: 0 }, serverId);
    return rows.map(toMcpTool);
  }

  /** MCP tools/call: the enabled tool `name` visible in the scope, credentials decrypted; NotFound otherwise. */
  callable(name: string, serverId?: string): Promise<ToolRecord> {
    const load = () => this.#callable(name, serverId);
    return this.#lookups?.get(`tool\0${serverId ?? ''}\0${name}`, load) ?? load();
  }

  async #callable(name: string, serverId: string | undefined): Promise<ToolRecord> {
    const row = await this.#repo.byName(name);
    const visible =
      row !== undefined &&
      row.enabled === 1 &&
      (serverId === undefined || (await this.#repo.isAssociated(row.id, serverId)));
    if (!visible) throw new AppError({ code: 'NotFound', message: `Unknown tool: ${name}` });
    return { row, auth: openAuth(this.#secrets, row.auth_value) };
  }

  async #require(id: string): Promise<ToolRow> {
    const row = await this.#repo.byId(id);
    if (row === undefined) throw notFound('Tool', id);
    return row;
  }
}
