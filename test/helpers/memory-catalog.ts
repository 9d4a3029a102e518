// MemoryCatalog: an in-memory McpCatalog for MCP tests (servers, tools with handlers, resources, prompts, events).
import type {
  CallToolResult,
  GetPromptResult,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplateType,
  Tool,
} from '@modelcontextprotocol/server';
import { notFound } from '../../src/errors/app-error.js';
import type {
  CallContext,
  CatalogEvent,
  CatalogScope,
  Completion,
  CompletionRef,
  McpCatalog,
  ScopeInfo,
} from '../../src/mcp/catalog.js';

type ToolRun = (args: Record<string, unknown>, ctx: CallContext) => Promise<CallToolResult>;

interface Entry<T> {
  value: T;
  servers: Set<string>;
}

export interface Placement {
  /** Virtual servers the entity is associated with; none: visible only on the global endpoints. */
  servers?: string[];
}

export class MemoryCatalog implements McpCatalog {
  readonly servers = new Map<string, ScopeInfo>();
  readonly tools = new Map<string, Entry<{ tool: Tool; run: ToolRun }>>();
  readonly resources = new Map<string, Entry<{ resource: Resource; text: string }>>();
  readonly templates = new Map<string, Entry<ResourceTemplateType>>();
  readonly prompts = new Map<string, Entry<{ prompt: Prompt; template: string }>>();
  /** Completion values per argument name (prompt arguments and template variables alike). */
  readonly completions = new Map<string, string[]>();
  readonly #listeners = new Set<(event: CatalogEvent) => void>();

  addServer(id: string, info: ScopeInfo = {}): this {
    this.servers.set(id, info);
    return this;
  }

  addTool(tool: Partial<Tool> & { name: string }, run?: ToolRun, placement: Placement = {}): this {
    const full: Tool = { inputSchema: { type: 'object' }, ...tool };
    const defaultRun: ToolRun = (args) =>
      Promise.resolve({ content: [{ type: 'text', text: `${tool.name}:${JSON.stringify(args)}` }] });
    this.tools.set(tool.name, {
      value: { tool: full, run: run ?? defaultRun },
      servers: new Set(placement.servers),
    });
    this.emit({ type: 'tools_list_changed', serverIds: placement.servers ?? [] });
    return this;
  }

  removeTool(name: string): this {
    const entry = this.tools.get(name);
    this.tools.delete(name);
    this.emit({ type: 'tools_list_changed', serverIds: [...(entry?.servers ?? [])] });
    return this;
  }

  addResource(resource: Resource, text: string, placement: Placement = {}): this {
    this.resources.set(resource.uri, { value: { resource, text }, servers: new Set(placement.servers) });
    this.emit({ type: 'resources_list_changed', serverIds: placement.servers ?? [] });
    return this;
  }

  updateResource(uri: string, text: string): this {
    const entry = this.resources.get(uri);
    if (entry === undefined) throw notFound('Resource', uri);
    entry.value.text = text;
    this.emit({ type: 'resource_updated', uri });
    return this;
  }

  addTemplate(template: ResourceTemplateType, placement: Placement = {}): this {
    this.templates.set(template.uriTemplate, { value: template, servers: new Set(placement.servers) });
    return this;
  }

  addPrompt(prompt: Prompt, template: string, placement: Placement = {}): this {
    this.prompts.set(prompt.name, { value: { prompt, template }, servers: new Set(placement.servers) });
    this.emit({ type: 'prompts_list_changed', serverIds: placement.servers ?? [] });
    return this;
  }

  emit(event: CatalogEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  describeScope(scope: CatalogScope): Promise<ScopeInfo> {
    if (scope.serverId === undefined) return Promise.resolve({});
    const info = this.servers.get(scope.serverId);
    return info === undefined ? Promise.reject(notFound('Server', scope.serverId)) : Promise.resolve(info);
  }

  async listTools(scope: CatalogScope): Promise<Tool[]> {
    return (await this.#visible(scope, this.tools)).map((t) => t.tool);
  }

  async callTool(scope: CatalogScope, name: string, args: Record<string, unknown>, ctx: CallContext) {
    const entry = (await this.#visible(scope, this.tools)).find((t) => t.tool.name === name);
    if (entry === undefined) throw notFound('Tool', name);
    return entry.run(args, ctx);
  }

  async listResources(scope: CatalogScope): Promise<Resource[]> {
    return (await this.#visible(scope, this.resources)).map((r) => r.resource);
  }

  async listResourceTemplates(scope: CatalogScope): Promise<ResourceTemplateType[]> {
    return this.#visible(scope, this.templates);
  }

  async readResource(scope: CatalogScope, uri: string): Promise<ReadResourceResult> {
    const entry = (await this.#visible(scope, this.resources)).find((r) => r.resource.uri === uri);
    if (entry === undefined) throw notFound('Resource', uri);
    return { contents: [{ uri, mimeType: entry.resource.mimeType ?? 'text/plain', text: entry.text }] };
  }

  async listPrompts(scope: CatalogScope): Promise<Prompt[]> {
    return (await this.#visible(scope, this.prompts)).map((p) => p.prompt);
  }

  async getPrompt(scope: CatalogScope, name: string, args: Record<string, string>): Promise<GetPromptResult> {
    const entry = (await this.#visible(scope, this.prompts)).find((p) => p.prompt.name === name);
    if (entry === undefined) throw notFound('Prompt', name);
    const text = entry.template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => args[key] ?? '');
    return { messages: [{ role: 'user', content: { type: 'text', text } }] };
  }

  async complete(scope: CatalogScope, _ref: CompletionRef, argument: { name: string; value: string }) {
    await this.describeScope(scope);
    const values = (this.completions.get(argument.name) ?? []).filter((v) => v.startsWith(argument.value));
    return { values, total: values.length, hasMore: false } satisfies Completion;
  }

  subscribe(listener: (event: CatalogEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #visible<T>(scope: CatalogScope, map: Map<string, Entry<T>>): Promise<T[]> {
    await this.describeScope(scope);
    const server = scope.serverId;
    return [...map.values()].filter((e) => server === undefined || e.servers.has(server)).map((e) => e.value);
  }
}
