// ResourceService: the rules of the resources registry (content, events, reads for REST and MCP); typed input, no HTTP here.
import type { ReadResourceResult, Resource, ResourceTemplateType } from '@modelcontextprotocol/server';
import { AppError, notFound } from '../../errors/app-error.js';
import type { Principal } from '../../auth/principal.js';
import { newId, nowIso } from '../../lib/ids.js';
import type { MetricsRecorder } from '../../runtime/metrics-recorder.js';
import { ALL_ENABLED } from '../../store/repos/list-filter.js';
import { ResourcesRepo, resourceListKey, type ResourceRowUpdate } from '../../store/repos/resources.js';
import type { Store } from '../../store/db.js';
import type { ResourceRow } from '../../store/schema.js';
import { EntityService, readWithMetrics, writeUnique } from '../common/entity-service.js';
import type { EntityRoute } from '../common/entity-route.js';
import type { RegistryEvents } from '../common/events.js';
import { LIMITS } from '../common/input.js';
import {
  toMcpResource,
  toMcpResourceTemplate,
  toReadResourceResult,
  toResourceContentRead,
  toResourceRead,
  type ResourceContentRead,
  type ResourceRead,
} from './read-model.js';
import { guessMimeType, toStoredContent } from './resource-content.js';
import type { ResourceCreate, ResourceUpdate } from './schema.js';
import { matchUriTemplate, parseUriTemplate } from './uri-template.js';
import { changedBy, createdBy } from '../common/audit.js';

export interface ResourceServiceOptions {
  store: Store;
  events: RegistryEvents;
  metrics: MetricsRecorder;
}

/** Fields shown in resources/list: changing one is a list change for MCP clients. */
const LISTED = ['uri', 'name', 'description', 'mime_type', 'uri_template'] as const;

export class ResourceService extends EntityService<ResourceRow, ResourceRead> {
  readonly #repo: ResourcesRepo;
  readonly #events: RegistryEvents;
  readonly #metrics: MetricsRecorder;

  constructor(opts: ResourceServiceOptions) {
    const repo = new ResourcesRepo(opts.store.db);
    super({
      noun: 'Resource',
      collection: 'resources',
      repo,
      sortKey: resourceListKey,
      read: (rows) => readWithMetrics(opts.store.db, 'resource', rows, toResourceRead),
      changed: () => opts.events.emit({ type: 'list_changed', kind: 'resources' }),
    });
    this.#repo = repo;
    this.#events = opts.events;
    this.#metrics = opts.metrics;
  }

  async create(input: ResourceCreate, principal: Principal): Promise<ResourceRead> {
    const content = toStoredContent(input.content ?? '', input.content_encoding ?? 'text');
    const now = nowIso();
    const id = newId();
    await writeUnique(
      () =>
        this.#repo.insert({
          id,
          uri: input.uri,
          name: input.name,
          description: input.description ?? null,
          mime_type: input.mime_type ?? guessMimeType(input.uri, content.binary_content !== null),
          uri_template: input.uri_template ?? null,
          ...content,
          gateway_id: null,
          enabled: 1,
          tags: JSON.stringify(input.tags ?? []),
          ...createdBy(principal, now),
        }),
      'resource',
      'uri',
      input.uri,
    );
    this.entity.changed();
    return this.get(id);
  }

  async update(id: string, input: ResourceUpdate, principal: Principal): Promise<ResourceRead> {
    const row = await this.require(id);
    if (input.content_encoding !== undefined && input.content === undefined) {
      throw new AppError({ code: 'Invalid', message: 'content_encoding needs content to go with it' });
    }
    if (row.gateway_id !== null) {
      // Federated resources mirror their upstream: only presentation fields are ours to change.
      const touched = (['uri', 'uri_template', 'content'] as const).filter((k) => input[k] !== undefined);
      if (touched.length > 0)
        throw new AppError({
          code: 'Invalid',
          message: `${touched.join(', ')} of a federated resource come from its gateway and cannot be changed`,
        });
    }
    const patch: ResourceRowUpdate = {
      ...changedBy(row, principal),
    };
    if (input.uri !== undefined) patch.uri = input.uri;
    if (input.name !== undefined) patch.name = input.name;
    if (input.description !== undefined) patch.description = input.description;
    if (input.mime_type !== undefined) patch.mime_type = input.mime_type;
    if (input.uri_template !== undefined) patch.uri_template = input.uri_template;
    if (input.tags !== undefined) patch.tags = JSON.stringify(input.tags);
    if (input.content !== undefined) {
      Object.assign(patch, toStoredContent(input.content, input.content_encoding ?? 'text'));
    }
    await writeUnique(() => this.#repo.update(id, patch), 'resource', 'uri', input.uri);
    const listed = LISTED.some((k) => input[k] !== undefined && input[k] !== row[k]);
    if (listed) this.entity.changed();
    if (input.content !== undefined)
      this.#events.emit({ type: 'resource_updated', uri: input.uri ?? row.uri });
    return this.get(id);
  }

  /** `GET /resources/{id}`: the content of an enabled resource, by id or (ContextForge's path) by URI. */
  async readContent(idOrUri: string): Promise<ResourceContentRead> {
    const started = performance.now();
    const row = (await this.#repo.byId(idOrUri)) ?? (await this.#repo.byUri(idOrUri));
    if (row === undefined) throw notFound('Resource', idOrUri);
    requireEnabled(row);
    const content = toResourceContentRead(row);
    this.#recordRead(row, started);
    return content;
  }

  /** MCP resources/list: enabled concrete resources, every one or those of a virtual server. */
  async listResources(serverId?: string): Promise<Resource[]> {
    return onePerUri(await this.#repo.list(ALL_ENABLED, serverId, false)).map(toMcpResource);
  }

  /** MCP resources/templates/list: enabled resources that have a uri_template. */
  async listTemplates(serverId?: string): Promise<ResourceTemplateType[]> {
    return onePerUri(await this.#repo.list(ALL_ENABLED, serverId, true)).map(toMcpResourceTemplate);
  }

  /**
   * MCP resources/read: the enabled resource with this URI, else the first enabled template (by URI order) the
   * URI matches, whose stored content is returned under the requested URI. NotFound outside the server's scope.
   */
  async readByUri(uri: string, serverId?: string): Promise<ReadResourceResult> {
    const started = performance.now();
    const { row, variables } = await this.#match(uri, serverId);
    const result = toReadResourceResult(row, uri, variables);
    this.#recordRead(row, started);
    return result;
  }

  /** Where the resource a URI names lives (for routing federated resources upstream); undefined when none is visible. */
  async routeByUri(uri: string, serverId?: string): Promise<EntityRoute | undefined> {
    const found = await this.#match(uri, serverId).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'NotFound') return undefined;
      throw error;
    });
    return found && { id: found.row.id, gatewayId: found.row.gateway_id, upstreamName: found.row.uri };
  }

  /** The resource a URI names: an exact URI first, else the first enabled template it matches (with the variables). */
  async #match(
    uri: string,
    serverId: string | undefined,
  ): Promise<{ row: ResourceRow; variables?: Map<string, string> }> {
    const exact = await this.#repo.byUri(uri, serverId);
    if (exact !== undefined && exact.enabled === 1) return { row: exact };
    if (uri.length <= LIMITS.url) {
      for (const row of await this.#repo.list(ALL_ENABLED, serverId, true)) {
        const variables = matchUriTemplate(parseUriTemplate(row.uri_template ?? ''), uri);
        if (variables !== undefined) return { row, variables };
      }
    }
    throw notFound('Resource', uri);
  }

  /** Records a read in resource_metrics, so the read model's metrics count REST and MCP reads alike. */
  #recordRead(row: ResourceRow, started: number): void {
    this.#metrics.record({
      kind: 'resource',
      id: row.id,
      responseTime: (performance.now() - started) / 1000,
      success: true,
    });
  }
}

function requireEnabled(row: ResourceRow): void {
  if (row.enabled !== 1) {
    throw new AppError({
      code: 'NotFound',
      message: `Resource ${row.id} is disabled: enable it with POST /resources/${row.id}/state?activate=true`,
    });
  }
}

/**
 * The same URI from several gateways (possible on the global endpoint; a virtual server holds one): clients see
 * it once, as the one resources/read answers with (the local one, else the oldest).
 */
function onePerUri(rows: readonly ResourceRow[]): ResourceRow[] {
  const chosen = new Map<string, ResourceRow>();
  for (const row of rows) {
    const held = chosen.get(row.uri);
    if (held === undefined || preferred(row, held)) chosen.set(row.uri, row);
  }
  return [...chosen.values()];
}

const preferred = (a: ResourceRow, b: ResourceRow): boolean =>
  (a.gateway_id === null) !== (b.gateway_id === null)
    ? a.gateway_id === null
    : a.created_at !== b.created_at
      ? a.created_at < b.created_at
      : a.id < b.id;
