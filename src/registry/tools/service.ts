// ToolService: the rules of the tools registry (naming, federated fields, secrets, events); typed input, no HTTP here.
import type { Principal } from '../../auth/principal.js';
import type { SecretCodec } from '../../auth/secret-box.js';
import { AppError } from '../../errors/app-error.js';
import { newId } from '../../lib/ids.js';
import type { Tool } from '@modelcontextprotocol/server';
import type { Store } from '../../store/db.js';
import { ALL_ENABLED } from '../../store/repos/list-filter.js';
import { ToolsRepo } from '../../store/repos/tools.js';
import type { ToolRow, ToolRowUpdate } from '../../store/schema.js';
import { EntityService, readWithMetrics, writeUnique } from '../common/entity-service.js';
import type { RegistryEvents } from '../common/events.js';
import type { LookupCache } from '../common/lookup-cache.js';
import { mergeMasked, openAuth, sealAuth } from '../common/upstream-auth.js';
import { toCallableTool, type CallableTool } from './callable-tool.js';
import { toMcpTool, toToolRead, type ToolRead } from './read-model.js';
import type { ToolCreate, ToolUpdate } from './schema.js';
import { changedBy, createdBy } from '../common/audit.js';

const DEFAULT_INPUT_SCHEMA = { type: 'object', properties: {} };
/** Federated tools mirror their upstream: these fields are the upstream's, only presentation is ours. */
const UPSTREAM_OWNED = ['url', 'input_schema', 'output_schema', 'request_type', 'integration_type'] as const;

export interface ToolServiceOptions {
  store: Store;
  secrets: SecretCodec;
  events: RegistryEvents;
  /** Refuses, at registration, a URL whose literal address the SSRF rules always block (the call-time check stays). */
  checkUrl?: (url: string) => void;
  /** TOOL_TIMEOUT in milliseconds, for REST tools without a timeout of their own. */
  defaultTimeoutMs?: number;
  /** Short-lived cache of the lookups an MCP call makes; none when absent. */
  lookups?: LookupCache;
}

export class ToolService extends EntityService<ToolRow, ToolRead> {
  readonly #repo: ToolsRepo;
  readonly #opts: ToolServiceOptions;

  constructor(opts: ToolServiceOptions) {
    const repo = new ToolsRepo(opts.store.db);
    const changed = () => opts.events.emit({ type: 'list_changed', kind: 'tools' });
    super({
      noun: 'Tool',
      collection: 'tools',
      repo,
      sortKey: (r) => r.name,
      read: (rows) => readWithMetrics(opts.store.db, 'tool', rows, (r, m) => toToolRead(r, opts.secrets, m)),
      changed,
    });
    this.#repo = repo;
    this.#opts = opts;
  }

  async create(input: ToolCreate, principal: Principal): Promise<ToolRead> {
    if (input.integration_type === 'MCP') {
      throw new AppError({
        code: 'Invalid',
        message: 'MCP tools are discovered from gateways: register the server with POST /gateways',
      });
    }
    this.#opts.checkUrl?.(input.url);
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
          ...sealAuth(this.#opts.secrets, input.auth),
          gateway_id: null,
          enabled: 1,
          reachable: 1,
          tags: JSON.stringify(input.tags ?? []),
          ...createdBy(principal),
        }),
      'tool',
      'name',
      input.name,
    );
    this.entity.changed();
    return this.get(id);
  }

  async update(id: string, input: ToolUpdate, principal: Principal): Promise<ToolRead> {
    const row = await this.require(id);
    const patch: ToolRowUpdate = {
      ...changedBy(row, principal),
    };
    if (row.gateway_id !== null) {
      const touched = UPSTREAM_OWNED.filter((k) => input[k] !== undefined);
      if (touched.length > 0)
        throw new AppError({
          code: 'Invalid',
          message: `${touched.join(', ')} of a federated tool come from its gateway and cannot be changed`,
        });
      if (input.name !== undefined) patch.custom_name = input.name;
    } else if (input.name !== undefined) {
      patch.original_name = input.name;
    }
    if (input.url !== undefined) this.#opts.checkUrl?.(input.url);
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
    if (input.auth !== undefined) {
      const { secrets } = this.#opts;
      const merged = input.auth === null ? null : mergeMasked(input.auth, openAuth(secrets, row.auth_value));
      Object.assign(patch, sealAuth(secrets, merged));
    }
    await writeUnique(() => this.#repo.update(id, patch), 'tool', 'name', input.name);
    this.entity.changed();
    return this.get(id);
  }

  /** MCP tools/list: every enabled tool, or those of one virtual server, in name order. */
  async listMcpTools(serverId?: string): Promise<Tool[]> {
    return (await this.#repo.list(ALL_ENABLED, serverId)).map(toMcpTool);
  }

  /** MCP tools/call: the enabled tool `name` visible in the scope, parsed for invocation; NotFound otherwise. */
  callable(name: string, serverId?: string): Promise<CallableTool> {
    const load = () => this.#callable(name, serverId);
    return this.#opts.lookups?.get(`tool\0${serverId ?? ''}\0${name}`, load) ?? load();
  }

  async #callable(name: string, serverId: string | undefined): Promise<CallableTool> {
    const row = await this.#repo.byName(name);
    const visible =
      row !== undefined &&
      row.enabled === 1 &&
      (serverId === undefined || (await this.#repo.isAssociated(row.id, serverId)));
    if (!visible) throw new AppError({ code: 'NotFound', message: `Unknown tool: ${name}` });
    const auth = openAuth(this.#opts.secrets, row.auth_value);
    return toCallableTool(row, auth, this.#opts.defaultTimeoutMs ?? 60_000);
  }
}
