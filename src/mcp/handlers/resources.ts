// resources/list, resources/templates/list, resources/read, resources/subscribe and resources/unsubscribe.
import { isAppError } from '../../errors/app-error.js';
import { ALL_MODES, callContext, parseParams, type MethodSpec } from './context.js';
import { paginate } from '../protocol/cursor.js';
import { JsonRpcError, RESOURCE_NOT_FOUND } from '../protocol/json-rpc.js';

const resourceNotFound = (uri: string): JsonRpcError =>
  new JsonRpcError(RESOURCE_NOT_FOUND, `Resource not found: ${uri}`, { uri });

export const resourceMethods: Record<string, MethodSpec> = {
  'resources/list': {
    modes: ALL_MODES,
    handler: async (ctx, params) => {
      const { cursor } = parseParams('PaginatedRequestParams', params);
      const all = await ctx.options.catalog.listResources(ctx.peer.scope);
      const page = paginate('resources', all, (r) => r.uri, cursor, ctx.options.pageSize);
      return {
        resources: page.items,
        ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
      };
    },
  },
  'resources/templates/list': {
    modes: ALL_MODES,
    handler: async (ctx, params) => {
      const { cursor } = parseParams('PaginatedRequestParams', params);
      const all = await ctx.options.catalog.listResourceTemplates(ctx.peer.scope);
      const page = paginate('resourceTemplates', all, (t) => t.uriTemplate, cursor, ctx.options.pageSize);
      return {
        resourceTemplates: page.items,
        ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
      };
    },
  },
  'resources/read': {
    modes: ALL_MODES,
    handler: async (ctx, params) => {
      const { uri } = parseParams('ReadResourceRequestParams', params);
      try {
        return await ctx.options.catalog.readResource(ctx.peer.scope, uri, await callContext(ctx));
      } catch (error) {
        if (isAppError(error) && error.code === 'NotFound') throw resourceNotFound(uri);
        throw error;
      }
    },
  },
  'resources/subscribe': {
    modes: ['session'],
    handler: async (ctx, params) => {
      const { uri } = parseParams('SubscribeRequestParams', params);
      // Only resources the session can see: a scoped session must not learn about updates outside its server.
      const visible = await ctx.options.catalog.listResources(ctx.peer.scope);
      if (!visible.some((r) => r.uri === uri)) throw resourceNotFound(uri);
      await ctx.peer.subscribe(uri);
      await ctx.options.catalog.watchResource?.(ctx.peer.scope, uri, true, await callContext(ctx));
      return {};
    },
  },
  'resources/unsubscribe': {
    modes: ['session'],
    handler: async (ctx, params) => {
      const { uri } = parseParams('UnsubscribeRequestParams', params);
      await ctx.peer.unsubscribe(uri);
      await ctx.options.catalog.watchResource?.(ctx.peer.scope, uri, false, await callContext(ctx));
      return {};
    },
  },
};
