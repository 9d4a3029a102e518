// discoverUpstream: connects once and lists every page of an upstream's tools, resources, resource templates and prompts.
import {
  METHOD_NOT_FOUND,
  ProtocolError,
  type Implementation,
  type Prompt,
  type Resource,
  type ResourceTemplateType,
  type ServerCapabilities,
  type Tool,
} from '@modelcontextprotocol/client';
import { AppError } from '../../errors/app-error.js';
import { describeConnectFailure } from '../connect-failure.js';
import { connectUpstream, type ConnectOptions } from '../connect.js';
import type { UpstreamSpec } from '../upstream-spec.js';

/** What an upstream offers, as it described itself (schemas and annotations verbatim). */
export interface Discovery {
  serverInfo: Implementation | undefined;
  capabilities: ServerCapabilities;
  protocolVersion: string | undefined;
  instructions: string | undefined;
  tools: Tool[];
  resources: Resource[];
  resourceTemplates: ResourceTemplateType[];
  prompts: Prompt[];
}

export type DiscoverOptions = Pick<ConnectOptions, 'http' | 'stdio' | 'oauth'>;

/** A hostile or broken upstream cannot make discovery walk forever or fill the registry. */
const MAX_PAGES = 500;
const MAX_ITEMS = 10_000;

interface Page<T> {
  items: T[];
  nextCursor?: string | undefined;
}

async function walk<T>(
  what: string,
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
): Promise<T[]> {
  const all: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let pages = 0; pages < MAX_PAGES; pages += 1) {
    const page = await fetchPage(cursor);
    all.push(...page.items);
    if (all.length > MAX_ITEMS)
      throw new AppError({
        code: 'UpstreamFailed',
        message: `the upstream lists more than ${MAX_ITEMS} ${what}`,
      });
    cursor = page.nextCursor;
    // A repeated cursor would loop forever: the list is complete as far as the upstream can tell us.
    if (cursor === undefined || cursor === '' || seen.has(cursor)) return all;
    seen.add(cursor);
  }
  throw new AppError({
    code: 'UpstreamFailed',
    message: `the upstream's ${what} list has more than ${MAX_PAGES} pages`,
  });
}

/** Connects, lists what the upstream's capabilities announce, closes. UpstreamFailed (502) says which step failed. */
export async function discoverUpstream(spec: UpstreamSpec, opts: DiscoverOptions): Promise<Discovery> {
  // Declare what the gateway relays for its clients, or servers that offer tools only to capable clients
  // (sampling, elicitation, roots) would hide them from discovery; discovery itself has no roots to give.
  const conn = await connectUpstream(spec, {
    ...opts,
    clientCapabilities: { sampling: {}, elicitation: { form: {}, url: {} }, roots: { listChanged: true } },
    onRequest: (request) =>
      request.method === 'roots/list'
        ? Promise.resolve({ roots: [] })
        : Promise.reject(new ProtocolError(METHOD_NOT_FOUND, `discovery does not answer ${request.method}`)),
  });
  const { client, capabilities } = conn;
  const request = { timeout: spec.timeoutMs };
  let step = 'tools';
  try {
    const tools = capabilities.tools
      ? await walk('tools', async (cursor) => {
          const r = await client.listTools({ ...(cursor ? { cursor } : {}) }, request);
          return { items: r.tools, nextCursor: r.nextCursor };
        })
      : [];
    step = 'resources';
    const resources = capabilities.resources
      ? await walk('resources', async (cursor) => {
          const r = await client.listResources({ ...(cursor ? { cursor } : {}) }, request);
          return { items: r.resources, nextCursor: r.nextCursor };
        })
      : [];
    step = 'resource templates';
    // Servers from before templates existed answer "method not found": they simply have none.
    const resourceTemplates = capabilities.resources
      ? await walk('resource templates', async (cursor) => {
          const r = await client.listResourceTemplates({ ...(cursor ? { cursor } : {}) }, request);
          return { items: r.resourceTemplates, nextCursor: r.nextCursor };
        }).catch((error: unknown) => {
          if (ProtocolError.isInstance(error) && error.code === METHOD_NOT_FOUND) return [];
          throw error;
        })
      : [];
    step = 'prompts';
    const prompts = capabilities.prompts
      ? await walk('prompts', async (cursor) => {
          const r = await client.listPrompts({ ...(cursor ? { cursor } : {}) }, request);
          return { items: r.prompts, nextCursor: r.nextCursor };
        })
      : [];
    return {
      serverInfo: conn.serverInfo,
      capabilities,
      protocolVersion: conn.protocolVersion,
      instructions: conn.instructions,
      tools,
      resources,
      resourceTemplates,
      prompts,
    };
  } catch (error) {
    const url = spec.transport === 'STDIO' ? undefined : new URL(spec.url);
    throw new AppError({
      code: 'UpstreamFailed',
      message: `Listing ${step} of gateway ${spec.name} failed: ${describeConnectFailure(error, url, spec.timeoutMs)}`,
      cause: error,
    });
  } finally {
    await conn.close();
  }
}
