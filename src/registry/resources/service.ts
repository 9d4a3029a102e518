// ResourceService: the rules of the resources registry (validation, content, events, reads for REST and MCP); no HTTP here.
import type { ReadResourceResult, Resource, ResourceTemplateType } from '@modelcontextprotocol/server';
import { AppError, notFound } from '../../errors/app-error.js';
import type { Principal } from '../../auth/principal.js';
import { newId, nowIso } from '../../lib/ids.js';
import type { MetricsRecorder } from '../../runtime/metrics-recorder.js';
import { ResourcesRepo, type ResourceRowUpdate } from '../../store/repos/resources.js';
import type { Store } from '../../store/db.js';
import type { ResourceRow } from '../../store/schema.js';
import { flipEnabled, readWithMetrics, writeUnique } from '../common/entity-steps.js';
import type { RegistryEvents } from '../common/events.js';
import { LIMITS, normalizeBody } from '../common/input.js';
import { toPage, type ListFilter, type Page } from '../common/pagination.js';
import { parseWith } from '../../http/validation.js';
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
import { resourceCreateSchema, resourceUpdateSchema } from './schema.js';
import { matchUriTemplate, parseUriTemplate } from './uri-template.js';

export interface ResourceServiceOptions {
  store: Store;
  events: RegistryEvents;
  metrics: MetricsRecorder;
}

const ALL: ListFilter = { includeInactive: false, tags: [], limit: 0 };
/** Fields shown in resources/list: changing one is a list change for MCP clients. */
const LISTED = ['uri', 'name', 'description', 'mime_type', 'uri_template'] as const;

export class ResourceService {
  readonly #store: Store;
  readonly #repo: ResourcesRepo;
  readonly #events: RegistryEvents;
  readonly #metrics: MetricsRecorder;

  constructor(opts: ResourceServiceOptions) {
    this.#store = opts.store;
    this.#repo = new ResourcesRepo(opts.store.db);
    this.#events = opts.events;
    this.#metrics = opts.metrics;
  }

  async create(body: unknown, principal: Principal): Promise<ResourceRead> {
    const input = parseWith(resourceCreateSchema, normalizeBody(body, 'resource'));
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
          created_at: now,
          updated_at: now,
          created_by: principal.subject,
          modified_by: principal.subject,
          version: 1,
        }),
      'resource',
      'uri',
      input.uri,
    );
    this.#events.emit({ type: 'list_changed', kind: 'resources' });
    return this.get(id);
  }

  async update(id: string, body: unknown, principal: Principal): Promise<ResourceRead> {
    const row = await this.#require(id);
    const input = parseWith(resourceUpdateSchema, normalizeBody(body, 'resource'));
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
      updated_at: nowIso(),
      modified_by: principal.subject,
      version: row.version + 1,
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
    if (listed) this.#events.emit({ type: 'list_changed', kind: 'resources' });
    if (input.content !== undefined)
      this.#events.emit({ type: 'resource_updated', uri: input.uri ?? row.uri });
    return this.get(id);
  }

  async setEnabled(id: string, enabled: boolean, principal: Principal): Promise<ResourceRead> {
    const row = await this.#require(id);
    if (await flipEnabled((i, patch) => this.#repo.update(i, patch), row, enabled, principal)) {
      this.#events.emit({ type: 'list_changed', kind: 'resources' });
    }
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    if (!(await this.#repo.delete(id))) throw notFound('Resource', id);
    this.#events.emit({ type: 'list_changed', kind: 'resources' });
  }

  async get(id: string): Promise<ResourceRead> {
    return (await this.#read([await this.#require(id)]))[0]!;
  }

  async list(filter: ListFilter, serverId?: string): Promise<Page<ResourceRead>> {
    const page = toPage(await this.#repo.list(filter, { serverId }), filter.limit, (r) => r.uri);
    return { items: await this.#read(page.items), nextCursor: page.nextCursor };
  }

  #read(rows: ResourceRow[]): Promise<ResourceRead[]> {
    return readWithMetrics(this.#store.db, 'resource', rows, toResourceRead);
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
    return (await this.#repo.list(ALL, { serverId, templates: false })).map(toMcpResource);
  }

  /** MCP resources/templates/list: enabled resources that have a uri_template. */
  async listTemplates(serverId?: string): Promise<ResourceTemplateType[]> {
    return (await this.#repo.list(ALL, { serverId, templates: true })).map(toMcpResourceTemplate);
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

  /** The row behind a URI (for routing federated resources upstream); undefined when none is visible. */
  async recordByUri(uri: string, serverId?: string): Promise<ResourceRow | undefined> {
    return this.#findByUri(uri, serverId).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'NotFound') return undefined;
      throw error;
    });
  }

  async #findByUri(uri: string, serverId: string | undefined): Promise<ResourceRow> {
    return (await this.#match(uri, serverId)).row;
  }

  /** The resource a URI names: an exact URI first, else the first enabled template it matches (with the variables). */
  async #match(
    uri: string,
    serverId: string | undefined,
  ): Promise<{ row: ResourceRow; variables?: Map<string, string> }> {
    const exact = await this.#repo.byUri(uri);
    if (exact !== undefined && exact.enabled === 1) {
      if (serverId === undefined || (await this.#repo.isAssociated(exact.id, serverId)))
        return { row: exact };
    }
    if (uri.length <= LIMITS.url) {
      for (const row of await this.#repo.list(ALL, { serverId, templates: true })) {
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

  async #require(id: string): Promise<ResourceRow> {
    const row = await this.#repo.byId(id);
    if (row === undefined) throw notFound('Resource', id);
    return row;
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
