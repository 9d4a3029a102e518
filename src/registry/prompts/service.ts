// PromptService: the rules of the prompts registry (template checks, arguments, rendering, events); typed input, no HTTP here.
import type { GetPromptResult, Prompt } from '@modelcontextprotocol/server';
import { AppError, notFound } from '../../errors/app-error.js';
import type { Principal } from '../../auth/principal.js';
import { newId, nowIso } from '../../lib/ids.js';
import type { MetricsRecorder } from '../../runtime/metrics-recorder.js';
import { ALL_ENABLED } from '../../store/repos/list-filter.js';
import { PromptsRepo, type PromptRowUpdate } from '../../store/repos/prompts.js';
import type { Store } from '../../store/db.js';
import type { PromptRow } from '../../store/schema.js';
import { EntityService, readWithMetrics, writeUnique } from '../common/entity-service.js';
import type { EntityRoute } from '../common/entity-route.js';
import type { RegistryEvents } from '../common/events.js';
import { checkArguments, resolveArguments, type PromptArgument } from './arguments.js';
import { argumentsOf, toGetPromptResult, toMcpPrompt, toPromptRead, type PromptRead } from './read-model.js';
import type { PromptCreate, PromptUpdate } from './schema.js';
import { checkTemplate } from './template/check-template.js';
import type { TemplateRenderer } from './template/renderer.js';
import { changedBy, createdBy } from '../common/audit.js';

export interface PromptServiceOptions {
  store: Store;
  events: RegistryEvents;
  /** The one render pool of the process; its owner closes it. */
  renderer: TemplateRenderer;
  metrics: MetricsRecorder;
}

export class PromptService extends EntityService<PromptRow, PromptRead> {
  readonly #repo: PromptsRepo;
  readonly #renderer: TemplateRenderer;
  readonly #metrics: MetricsRecorder;

  constructor(opts: PromptServiceOptions) {
    const repo = new PromptsRepo(opts.store.db);
    super({
      noun: 'Prompt',
      collection: 'prompts',
      repo,
      sortKey: (r) => r.name,
      read: (rows) => readWithMetrics(opts.store.db, 'prompt', rows, toPromptRead),
      changed: () => opts.events.emit({ type: 'list_changed', kind: 'prompts' }),
    });
    this.#repo = repo;
    this.#renderer = opts.renderer;
    this.#metrics = opts.metrics;
  }

  async create(input: PromptCreate, principal: Principal): Promise<PromptRead> {
    checkTemplate(input.template);
    const args = resolveArguments(input.arguments, input.template);
    const now = nowIso();
    const id = newId();
    await writeUnique(
      () =>
        this.#repo.insert({
          id,
          original_name: input.name,
          name: input.name,
          description: input.description ?? null,
          template: input.template,
          argument_schema: JSON.stringify(args),
          gateway_id: null,
          enabled: 1,
          tags: JSON.stringify(input.tags ?? []),
          ...createdBy(principal, now),
        }),
      'prompt',
      'name',
      input.name,
    );
    this.entity.changed();
    return this.get(id);
  }

  async update(id: string, input: PromptUpdate, principal: Principal): Promise<PromptRead> {
    const row = await this.require(id);
    if (row.gateway_id !== null) {
      // Federated prompts are rendered upstream: only presentation fields are ours to change.
      const touched = (['template', 'arguments'] as const).filter((k) => input[k] !== undefined);
      if (touched.length > 0)
        throw new AppError({
          code: 'Invalid',
          message: `${touched.join(', ')} of a federated prompt come from its gateway and cannot be changed`,
        });
    }
    const patch: PromptRowUpdate = {
      ...changedBy(row, principal),
    };
    if (input.template !== undefined) {
      checkTemplate(input.template);
      patch.template = input.template;
    }
    const args = nextArguments(row, input.template, input.arguments);
    if (args !== undefined) patch.argument_schema = JSON.stringify(args);
    if (input.name !== undefined) {
      patch.name = input.name;
      if (row.gateway_id === null) patch.original_name = input.name;
    }
    if (input.description !== undefined) patch.description = input.description;
    if (input.tags !== undefined) patch.tags = JSON.stringify(input.tags);
    await writeUnique(() => this.#repo.update(id, patch), 'prompt', 'name', input.name);
    this.entity.changed();
    return this.get(id);
  }

  /** MCP prompts/list: enabled prompts, every one or those of a virtual server. */
  async listPrompts(serverId?: string): Promise<Prompt[]> {
    return (await this.#repo.list(ALL_ENABLED, serverId)).map(toMcpPrompt);
  }

  /**
   * Renders an enabled prompt (by name, else by id) with the given arguments: 422 naming missing required
   * arguments or a failed render, NotFound when unknown, disabled, or outside the server's scope. Every
   * attempt on a found prompt is counted in prompt_metrics.
   */
  async render(nameOrId: string, args: Record<string, unknown>, serverId?: string): Promise<GetPromptResult> {
    const started = performance.now();
    const row = await this.#findEnabled(nameOrId, serverId);
    try {
      checkArguments(argumentsOf(row), args);
      const text = await this.#renderer.render(row.template, args);
      this.#recordRender(row, started, undefined);
      return toGetPromptResult(row, text);
    } catch (error) {
      this.#recordRender(row, started, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  /** Where the enabled prompt `name` lives (for routing federated prompts upstream); undefined when none is visible. */
  async routeByName(name: string, serverId?: string): Promise<EntityRoute | undefined> {
    const row = await this.#findEnabled(name, serverId).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'NotFound') return undefined;
      throw error;
    });
    return row && { id: row.id, gatewayId: row.gateway_id, upstreamName: row.original_name };
  }

  async #findEnabled(nameOrId: string, serverId: string | undefined): Promise<PromptRow> {
    const row = (await this.#repo.byName(nameOrId)) ?? (await this.#repo.byId(nameOrId));
    if (row === undefined) throw notFound('Prompt', nameOrId);
    if (serverId !== undefined && !(await this.#repo.isAssociated(row.id, serverId)))
      throw notFound('Prompt', nameOrId);
    if (row.enabled !== 1) {
      throw new AppError({
        code: 'NotFound',
        message: `Prompt ${row.name} is disabled: enable it with POST /prompts/${row.id}/state?activate=true`,
      });
    }
    return row;
  }

  #recordRender(row: PromptRow, started: number, errorMessage: string | undefined): void {
    this.#metrics.record({
      kind: 'prompt',
      id: row.id,
      responseTime: (performance.now() - started) / 1000,
      success: errorMessage === undefined,
      error: errorMessage,
    });
  }
}

/**
 * The arguments after an update, or undefined to keep them. Declared ones win; without them, arguments that
 * were inferred from the old template are inferred again from the new one, and hand-written ones are kept.
 */
function nextArguments(
  row: PromptRow,
  template: string | undefined,
  declared: PromptArgument[] | undefined,
): PromptArgument[] | undefined {
  if (declared !== undefined) return declared;
  if (template === undefined || template === row.template) return undefined;
  const current = argumentsOf(row);
  let inferredBefore: PromptArgument[];
  try {
    inferredBefore = resolveArguments(undefined, row.template);
  } catch {
    return undefined;
  }
  return JSON.stringify(current) === JSON.stringify(inferredBefore)
    ? resolveArguments(undefined, template)
    : undefined;
}
