// FederatedEntities: the catalog's branch for tools, resources and prompts of federated gateways (rows with gateway_id).
import type { CallToolResult, GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/server';
import { isAppError } from '../errors/app-error.js';
import type { Forwarder } from '../federation/forward/forwarder.js';
import type { Registry } from '../registry/registry.js';
import type { ToolRecord } from '../registry/tools/service.js';
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
    record: ToolRecord,
    gatewayId: string,
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
    async callTool(record, gatewayId, args, ctx) {
      const { row } = record;
      try {
        opts.validator?.validate({ id: row.id, version: row.version }, JSON.parse(row.input_schema), args);
      } catch (error) {
        // As for REST tools: a model can correct invalid arguments (SEP-1303), so this is a tool error.
        if (isAppError(error) && error.code === 'Invalid')
          return { isError: true, content: [{ type: 'text', text: error.message }] };
        throw error;
      }
      return forwarder.callTool(gatewayId, row.original_name, args, ctx, row.timeout_ms ?? undefined);
    },

    async readResource(uri, serverId, ctx) {
      const row = await registry.resources.recordByUri(uri, serverId);
      if (row?.gateway_id == null) return undefined;
      const gatewayId = row.gateway_id;
      // The URI as requested: for a template it is the concrete URI the client filled in.
      return measured('resource', row.id, () => forwarder.readResource(gatewayId, uri, ctx));
    },

    async getPrompt(name, args, serverId, ctx) {
      const row = await registry.prompts.recordByName(name, serverId);
      if (row?.gateway_id == null) return undefined;
      const gatewayId = row.gateway_id;
      return measured('prompt', row.id, () => forwarder.getPrompt(gatewayId, row.original_name, args, ctx));
    },

    async watchResource(uri, subscribed, serverId, ctx) {
      const row = await registry.resources.recordByUri(uri, serverId);
      if (row?.gateway_id == null) return false;
      // The client's subscription stands either way: an upstream without subscriptions (or down) just sends no updates.
      await forwarder.watchResource(row.gateway_id, uri, subscribed, ctx).catch(() => undefined);
      return true;
    },

    async complete(ref, argument, context, serverId, ctx) {
      if (ref.type === 'ref/prompt') {
        const row = await registry.prompts.recordByName(ref.name, serverId);
        if (row?.gateway_id == null) return undefined;
        return forwarder.complete(
          row.gateway_id,
          { ...ref, name: row.original_name },
          argument,
          context,
          ctx,
        );
      }
      const row = await registry.resources.recordByUri(ref.uri, serverId);
      if (row?.gateway_id == null) return undefined;
      return forwarder.complete(row.gateway_id, ref, argument, context, ctx);
    },
  };
}
