// initialize, ping, logging/setLevel and server/discover: the methods about the connection itself.
import type { ServerCapabilities } from '@modelcontextprotocol/server';
import { parseParams, type HandlerContext, type MethodSpec } from './context.js';
import { INVALID_REQUEST, JsonRpcError } from '../protocol/json-rpc.js';
import { negotiateSessionVersion, SUPPORTED_VERSIONS } from '../protocol/versions.js';

export const SERVER_CAPABILITIES: ServerCapabilities = Object.freeze({
  tools: { listChanged: true },
  resources: { subscribe: true, listChanged: true },
  prompts: { listChanged: true },
  completions: {},
  logging: {},
});

async function identity(ctx: HandlerContext): Promise<Record<string, unknown>> {
  const info = await ctx.options.catalog.describeScope(ctx.peer.scope);
  const serverInfo = { ...ctx.options.serverInfo, name: info.name ?? ctx.options.serverInfo.name };
  return {
    capabilities: SERVER_CAPABILITIES,
    serverInfo,
    ...(info.instructions ? { instructions: info.instructions } : {}),
  };
}

export const lifecycleMethods: Record<string, MethodSpec> = {
  initialize: {
    modes: ['session', 'rpc'],
    handler: async (ctx, params) => {
      const request = parseParams('InitializeRequestParams', params);
      if (ctx.peer.mode === 'session' && (await ctx.peer.state()).protocolVersion !== null)
        throw new JsonRpcError(INVALID_REQUEST, 'The session is already initialized');
      const protocolVersion = negotiateSessionVersion(request.protocolVersion);
      const result = { protocolVersion, ...(await identity(ctx)) };
      if (ctx.peer.mode === 'session')
        await ctx.peer.setState({
          protocolVersion,
          clientInfo: request.clientInfo,
          clientCapabilities: request.capabilities,
        });
      return result;
    },
  },
  ping: { modes: ['session', 'rpc'], handler: () => Promise.resolve({}) },
  'logging/setLevel': {
    modes: ['session'],
    handler: async (ctx, params) => {
      const { level } = parseParams('SetLevelRequestParams', params);
      await ctx.peer.setState({ logLevel: level });
      if (ctx.peer.sessionId !== undefined)
        ctx.options.catalog.clientLogLevelChanged?.(ctx.peer.sessionId, level);
      return {};
    },
  },
  'server/discover': {
    modes: ['stateless'],
    handler: async (ctx) => ({ supportedVersions: [...SUPPORTED_VERSIONS], ...(await identity(ctx)) }),
  },
};
