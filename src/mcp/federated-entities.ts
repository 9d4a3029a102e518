// FederatedEntities: the catalog's branch for tools, resources and prompts of federated gateways (rows with gateway_id).
import type { CallToolResult, GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/server';
import { isAppError } from '../errors/app-error.js';
import type { Forwarder } from '../federation/forward/forwarder.js';
import type { Registry } from '../registry/registry.js';
import type { CallableTool } from '../registry/tools/callable-tool.js';
import type { ArgumentValidator } from '../runtime/argument-validator.js';
import type { MetricsRecorder } from '../runtime/metrics-recorder.js';
import type { CallContext, Completion, CompletionRef } from './catalog.js';

export interface FederatedEntitiesOptions {
  registry: Registry;
  forwarder: Forwarder;
  metrics: MetricsRecorder;
  /** Checks arguments against the stored input_schema before anything goes upstream (DESIGN §5). */
  validator?: ArgumentValidator;
}

export interface FederatedEntities {
  callTool(
    tool: Extract<CallableTool, { kind: 'federated' }>,
    args: Record<string, unknown>,
    ctx: CallContext,
  ): Promise<CallToolResult>;
  /** Undefined when the URI is not a federated resource (the registry answers it). */
  readResource(
    uri: string,
    serverId: string | undefined,
    ctx: CallContext,
  ): Promise<ReadResourceResult | undefined>;
  getPrompt(
    name: string,
    args: Record<string, string>,
    serverId: string | undefined,
    ctx: CallContext,
  ): Promise<GetPromptResult | undefined>;
  /** Subscribes upstream for a federated resource (false: it is not federated); upstream failures are swallowed. */
  watchResource(
    uri: string,
    subscribed: boolean,
    serverId: string | undefined,
    ctx: CallContext,
  ): Promise<boolean>;
  complete(
    ref: CompletionRef,
    argument: { name: string; value: string },
    context: { arguments?: Record<string, string> },
    serverId: string | undefined,
    ctx: CallContext | undefined,
  ): Promise<Completion | undefined>;
}

const seconds = (startedMs: number): number => (performance.now() - startedMs) / 1000;

export function createFederatedEntities(opts: FederatedEntitiesOptions): FederatedEntities {
  const { registry, forwarder, metrics } = opts;

  /** Runs `work`, counting it in the entity's metrics table whichever way it ends. */
  async function measured<T>(kind: 'resource' | 'prompt', id: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await work();
      metrics.record({ kind, id, responseTime: seconds(started), success: true });
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      metrics.record({ kind, id, responseTime: seconds(started), success: false, error: message });
      throw error;
    }
  }

  return {
    async callTool(tool, args, ctx) {
      try {
        opts.validator?.validate({ id: tool.id, version: tool.version }, tool.inputSchema, args);
      } catch (error) {
        // As for REST tools: a model can correct invalid arguments (SEP-1303), so this is a tool error.
        if (isAppError(error) && error.code === 'Invalid')
          return { isError: true, content: [{ type: 'text', text: error.message }] };
        throw error;
      }
      return forwarder.callTool(tool.gatewayId, tool.upstreamName, args, ctx, tool.timeoutMs);
    },

    async readResource(uri, serverId, ctx) {
      const route = await registry.resources.routeByUri(uri, serverId);
      if (route?.gatewayId == null) return undefined;
      const gatewayId = route.gatewayId;
      // The URI as requested: for a template it is the concrete URI the client filled in.
      return measured('resource', route.id, () => forwarder.readResource(gatewayId, uri, ctx));
    },

    async getPrompt(name, args, serverId, ctx) {
      const route = await registry.prompts.routeByName(name, serverId);
      if (route?.gatewayId == null) return undefined;
      const gatewayId = route.gatewayId;
      return measured('prompt', route.id, () =>
        forwarder.getPrompt(gatewayId, route.upstreamName, args, ctx),
      );
    },

    async watchResource(uri, subscribed, serverId, ctx) {
      const route = await registry.resources.routeByUri(uri, serverId);
      if (route?.gatewayId == null) return false;
      // The client's subscription stands either way: an upstream without subscriptions (or down) just sends no updates.
      await forwarder.watchResource(route.gatewayId, uri, subscribed, ctx).catch(() => undefined);
      return true;
    },

    async complete(ref, argument, context, serverId, ctx) {
      if (ref.type === 'ref/prompt') {
        const route = await registry.prompts.routeByName(ref.name, serverId);
        if (route?.gatewayId == null) return undefined;
        return forwarder.complete(
          route.gatewayId,
          { ...ref, name: route.upstreamName },
          argument,
          context,
          ctx,
        );
      }
      const route = await registry.resources.routeByUri(ref.uri, serverId);
      if (route?.gatewayId == null) return undefined;
      return forwarder.complete(route.gatewayId, ref, argument, context, ctx);
    },
  };
}
