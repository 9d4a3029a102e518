// prompts/list and prompts/get.
import { isAppError } from '../../errors/app-error.js';
import { ALL_MODES, callContext, parseParams, type MethodSpec } from './context.js';
import { paginate } from '../protocol/cursor.js';
import { INVALID_PARAMS, JsonRpcError } from '../protocol/json-rpc.js';

export const promptMethods: Record<string, MethodSpec> = {
  'prompts/list': {
    modes: ALL_MODES,
    handler: async (ctx, params) => {
      const { cursor } = parseParams('PaginatedRequestParams', params);
      const all = await ctx.options.catalog.listPrompts(ctx.peer.scope);
      const page = paginate('prompts', all, (p) => p.name, cursor, ctx.options.pageSize);
      return {
        prompts: page.items,
        ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
      };
    },
  },
  'prompts/get': {
    modes: ALL_MODES,
    handler: async (ctx, params) => {
      const { name, arguments: args } = parseParams('GetPromptRequestParams', params);
      try {
        return await ctx.options.catalog.getPrompt(ctx.peer.scope, name, args ?? {}, await callContext(ctx));
      } catch (error) {
        // The spec answers an unknown prompt with Invalid params.
        if (isAppError(error) && error.code === 'NotFound')
          throw new JsonRpcError(INVALID_PARAMS, error.message);
        throw error;
      }
    },
  },
};
