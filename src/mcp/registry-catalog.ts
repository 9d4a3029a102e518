// RegistryCatalog: the McpCatalog the dispatcher serves, backed by the registry services and the tool runtime.
import type { CallToolResult, Tool } from '@modelcontextprotocol/server';
import { AppError, isAppError } from '../errors/app-error.js';
import type { RegistryEvent } from '../registry/common/events.js';
import type { Forwarder } from '../federation/forward/forwarder.js';
import type { Registry } from '../registry/registry.js';
import type { CallableTool } from '../registry/tools/callable-tool.js';
import type { ArgumentValidator } from '../runtime/argument-validator.js';
import type { RestInvoker } from '../runtime/invoke-rest.js';
import type { MetricsRecorder } from '../runtime/metrics-recorder.js';
import type { CallContext, CatalogEvent, CatalogScope, McpCatalog } from './catalog.js';
import { createFederatedEntities } from './federated-entities.js';

export interface RegistryCatalogOptions {
  registry: Registry;
  invoker: RestInvoker;
  metrics: MetricsRecorder;
  /** Sends calls of federated entities (rows with a gateway_id) upstream; without it they are Unavailable. */
  forwarder?: Forwarder;
  /** Checks federated tools' arguments before they go upstream (REST tools are checked by the invoker). */
  validator?: ArgumentValidator;
}

const seconds = (startedMs: number): number => (performance.now() - startedMs) / 1000;

function errorText(result: CallToolResult): string | undefined {
  if (result.isError !== true) return undefined;
  const first = result.content.find((c) => c.type === 'text');
  return first?.type === 'text' ? first.text : 'tool returned an error';
}

function toCatalogEvents(event: RegistryEvent): CatalogEvent[] {
  switch (event.type) {
    case 'list_changed':
      return [{ type: `${event.kind}_list_changed`, serverIds: 'all' }];
    case 'resource_updated':
      return [{ type: 'resource_updated', uri: event.uri }];
    case 'servers_changed':
      // Associations changed: any server's view of any list may differ now.
      return (['tools', 'resources', 'prompts'] as const).map((kind) => ({
        type: `${kind}_list_changed` as const,
        serverIds: 'all' as const,
      }));
  }
}

export function createRegistryCatalog(opts: RegistryCatalogOptions): McpCatalog {
  const { registry, invoker, metrics } = opts;
  const federated =
    opts.forwarder === undefined
      ? undefined
      : createFederatedEntities({
          registry,
          forwarder: opts.forwarder,
          metrics,
          ...(opts.validator === undefined ? {} : { validator: opts.validator }),
        });

  /** Throws NotFound for an unknown or disabled virtual server; the global scope always exists. */
  const requireScope = async (scope: CatalogScope) =>
    scope.serverId === undefined ? undefined : registry.servers.requireEnabled(scope.serverId);

  const recordServer = (scope: CatalogScope, startedMs: number, success: boolean, error?: string) => {
    if (scope.serverId !== undefined)
      metrics.record({
        kind: 'server',
        id: scope.serverId,
        responseTime: seconds(startedMs),
        success,
        error,
      });
  };

  async function invokeTool(
    tool: CallableTool,
    args: Record<string, unknown>,
    ctx: CallContext,
  ): Promise<CallToolResult> {
    if (tool.kind === 'federated') {
      if (federated !== undefined) return federated.callTool(tool, args, ctx);
      throw new AppError({
        code: 'Unavailable',
        message: `Tool ${tool.name} is federated from a gateway; calling it needs the gateway's upstream connection`,
      });
    }
    try {
      return await invoker.invoke(tool.spec, args, ctx.signal);
    } catch (error) {
      // Invalid arguments are a tool execution error the model can correct (MCP 2025-11-25, SEP-1303), not a protocol error.
      if (isAppError(error) && error.code === 'Invalid')
        return { isError: true, content: [{ type: 'text', text: error.message }] };
      throw error;
    }
  }

  return {
    async describeScope(scope) {
      const server = await requireScope(scope);
      return server === undefined
        ? {}
        : { name: server.name, ...(server.description ? { instructions: server.description } : {}) };
    },

    async listTools(scope): Promise<Tool[]> {
      await requireScope(scope);
      return registry.tools.listMcpTools(scope.serverId);
    },

    async callTool(scope, name, args, ctx) {
      await requireScope(scope);
      const record = await registry.tools.callable(name, scope.serverId);
      const started = performance.now();
      try {
        const result = await invokeTool(record, args, ctx);
        const error = errorText(result);
        metrics.record({
          kind: 'tool',
          id: record.id,
          responseTime: seconds(started),
          success: error === undefined,
          error,
        });
        recordServer(scope, started, error === undefined, error);
        return result;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        metrics.record({
          kind: 'tool',
          id: record.id,
          responseTime: seconds(started),
          success: false,
          error: message,
        });
        recordServer(scope, started, false, message);
        throw error;
      }
    },

    async listResources(scope) {
      await requireScope(scope);
      return registry.resources.listResources(scope.serverId);
    },

    async listResourceTemplates(scope) {
      await requireScope(scope);
      return registry.resources.listTemplates(scope.serverId);
    },

    async readResource(scope, uri, ctx) {
      await requireScope(scope);
      const started = performance.now();
      try {
        const result =
          (await federated?.readResource(uri, scope.serverId, ctx)) ??
          (await registry.resources.readByUri(uri, scope.serverId));
        recordServer(scope, started, true);
        return result;
      } catch (error) {
        recordServer(scope, started, false, (error as Error).message);
        throw error;
      }
    },

    async listPrompts(scope) {
      await requireScope(scope);
      return registry.prompts.listPrompts(scope.serverId);
    },

    async getPrompt(scope, name, args, ctx) {
      await requireScope(scope);
      const started = performance.now();
      try {
        const result =
          (await federated?.getPrompt(name, args, scope.serverId, ctx)) ??
          (await registry.prompts.render(name, args, scope.serverId));
        recordServer(scope, started, true);
        return result;
      } catch (error) {
        recordServer(scope, started, false, (error as Error).message);
        throw error;
      }
    },

    async complete(scope, ref, argument, context, ctx) {
      await requireScope(scope);
      const upstream = await federated?.complete(ref, argument, context, scope.serverId, ctx);
      if (upstream !== undefined) return upstream;
      // Registry prompts and templates carry no value lists to complete from: an empty answer is valid per the spec.
      return { values: [], total: 0, hasMore: false };
    },

    async watchResource(scope, uri, subscribed, ctx) {
      await federated?.watchResource(uri, subscribed, scope.serverId, ctx);
    },

    clientLogLevelChanged(sessionId, level) {
      opts.forwarder?.clientLogLevelChanged(sessionId, level);
    },

    clientRootsChanged(sessionId) {
      opts.forwarder?.clientRootsChanged(sessionId);
    },

    subscribe(listener) {
      return registry.events.subscribe((event) => {
        for (const e of toCatalogEvents(event)) listener(e);
      });
    },
  };
}
