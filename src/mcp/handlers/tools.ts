// tools/list and tools/call.
import { isAppError } from '../../errors/app-error.js';
import { ALL_MODES, callContext, parseParams, type MethodSpec } from './context.js';
import { paginate } from '../protocol/cursor.js';
import { INVALID_PARAMS, JsonRpcError } from '../protocol/json-rpc.js';

export const toolMethods: Record<string, MethodSpec> = {
  'tools/list': {
    modes: ALL_MODES,
    handler: async (ctx, params) => {
      const { cursor } = parseParams('PaginatedRequestParams', params);
      const all = await ctx.options.catalog.listTools(ctx.peer.scope);
      const page = paginate('tools', all, (tool) => tool.name, cursor, ctx.options.pageSize);
      return { tools: page.items, ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) };
    },
  },
  'tools/call': {
    modes: ALL_MODES,
    handler: async (ctx, params) => {
      const { name, arguments: args } = parseParams('CallToolRequestParams', params);
      try {
        return await ctx.options.catalog.callTool(ctx.peer.scope, name, args ?? {}, await callContext(ctx));
      } catch (error) {
        // The spec answers an unknown tool with Invalid params, not a not-found code.
        if (isAppError(error) && error.code === 'NotFound')
          throw new JsonRpcError(INVALID_PARAMS, error.message);
        throw error;
      }
    },
  },
};
