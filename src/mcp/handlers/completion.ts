// completion/complete: values for a prompt argument or a resource template variable.
import { ALL_MODES, callContext, parseParams, type MethodSpec } from './context.js';

/** The spec caps one completion answer at 100 values. */
const MAX_VALUES = 100;

export const completionMethods: Record<string, MethodSpec> = {
  'completion/complete': {
    modes: ALL_MODES,
    handler: async (ctx, params) => {
      const { ref, argument, context } = parseParams('CompleteRequestParams', params);
      const completion = await ctx.options.catalog.complete(
        ctx.peer.scope,
        ref,
        argument,
        context ?? {},
        await callContext(ctx),
      );
      if (completion.values.length <= MAX_VALUES) return { completion };
      return {
        completion: {
          ...completion,
          values: completion.values.slice(0, MAX_VALUES),
          total: completion.total ?? completion.values.length,
          hasMore: true,
        },
      };
    },
  },
};
