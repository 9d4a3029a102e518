// syncDiscovery: writes one discovery into the registry (gateway self-description, tools, resources, prompts) in the caller's transaction.
import type { Prompt, Resource, ResourceTemplateType, Tool } from '@modelcontextprotocol/client';
import type { Discovery } from '../../../federation/discovery/discover.js';
import {
  DiscoveredRepo,
  type DiscoveredPrompt,
  type DiscoveredResource,
  type DiscoveredTool,
  type MirrorStamp,
  type SyncCounts,
} from '../../../store/repos/discovered.js';
import type { GatewayRow } from '../../../store/schema.js';
import type { Store } from '../../../store/db.js';
import { assignNames, type NamingContext } from './assign-names.js';
import type { PrefixMode } from './naming.js';

export type { SyncCounts };

export interface SyncReport {
  tools: SyncCounts;
  resources: SyncCounts;
  prompts: SyncCounts;
}

export interface SyncOptions {
  /** GATEWAY_TOOL_NAME_SEPARATOR. */
  separator: string;
  now: string;
  actor: string | null;
}

const PREFIX_MODES = new Set<string>(['always', 'never', 'conflict']);

/** Everything the registry keeps of the upstream's self-description, for the gateway row. */
export function serverInfoOf(found: Discovery): Record<string, unknown> {
  return {
    ...(found.serverInfo ?? {}),
    ...(found.protocolVersion === undefined ? {} : { protocolVersion: found.protocolVersion }),
    ...(found.instructions === undefined ? {} : { instructions: found.instructions }),
  };
}

/** The first of each key: an upstream listing one name twice must not write two rows. */
function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && seen.add(key(item)) !== undefined);
}

function toolOf(tool: Tool, name: string, gateway: GatewayRow): DiscoveredTool {
  const title = tool.title ?? tool.annotations?.title;
  return {
    upstreamName: tool.name,
    name,
    display_name: typeof title === 'string' ? title : null,
    description: tool.description ?? null,
    // The gateway's transport (STREAMABLEHTTP, SSE, STDIO) and URL, kept on each tool as ContextForge does.
    request_type: gateway.transport,
    url: gateway.url,
    // Verbatim: $schema, $defs and every other keyword the upstream wrote go to clients unchanged.
    input_schema: JSON.stringify(tool.inputSchema),
    output_schema: tool.outputSchema === undefined ? null : JSON.stringify(tool.outputSchema),
    annotations: JSON.stringify(tool.annotations ?? {}),
  };
}

function resourcesOf(
  resources: readonly Resource[],
  templates: readonly ResourceTemplateType[],
): DiscoveredResource[] {
  const concrete = resources.map((r) => ({
    uri: r.uri,
    name: r.name,
    description: r.description ?? null,
    mime_type: r.mimeType ?? null,
    uri_template: null,
    size: typeof r.size === 'number' ? r.size : null,
  }));
  // A template's uri column holds the template itself.
  const templated = templates.map((t) => ({
    uri: t.uriTemplate,
    name: t.name,
    description: t.description ?? null,
    mime_type: t.mimeType ?? null,
    uri_template: t.uriTemplate,
    size: null,
  }));
  return uniqueBy([...concrete, ...templated], (w) => w.uri);
}

/** The upstream's arguments in the registry's argument_schema shape ({name, description?, required}). */
function promptOf(prompt: Prompt, name: string): DiscoveredPrompt {
  const args = (prompt.arguments ?? []).map((a) => ({
    name: a.name,
    ...(a.description === undefined ? {} : { description: a.description }),
    required: a.required === true,
  }));
  return {
    upstreamName: prompt.name,
    name,
    description: prompt.description ?? null,
    argument_schema: JSON.stringify(args),
  };
}

/**
 * Must run inside one transaction (`trx`): a 409 from any kind leaves nothing written. Marks the gateway
 * reachable and seen now, since it just answered.
 */
export async function syncDiscovery(
  trx: Store['db'],
  gateway: GatewayRow,
  found: Discovery,
  opts: SyncOptions,
): Promise<SyncReport> {
  const repo = new DiscoveredRepo(trx);
  const naming: NamingContext = {
    gatewayId: gateway.id,
    gatewayName: gateway.name,
    slug: gateway.slug,
    mode: PREFIX_MODES.has(gateway.prefix_mode) ? (gateway.prefix_mode as PrefixMode) : 'always',
    separator: opts.separator,
  };
  const stamp: MirrorStamp = {
    gatewayId: gateway.id,
    now: opts.now,
    actor: opts.actor,
    enabled: gateway.enabled === 1 ? 1 : 0,
  };
  const tools = uniqueBy(found.tools, (t) => t.name);
  const custom = await repo.customToolNames(gateway.id);
  const toolNames = await assignNames(
    repo,
    'tools',
    naming,
    tools.map((t) => ({ upstreamName: t.name, customName: custom.get(t.name) })),
  );
  const prompts = uniqueBy(found.prompts, (p) => p.name);
  const promptNames = await assignNames(
    repo,
    'prompts',
    naming,
    prompts.map((p) => ({ upstreamName: p.name })),
  );
  const report: SyncReport = {
    tools: await repo.mirrorTools(
      stamp,
      tools.map((t) => toolOf(t, toolNames.get(t.name)!, gateway)),
    ),
    resources: await repo.mirrorResources(stamp, resourcesOf(found.resources, found.resourceTemplates)),
    prompts: await repo.mirrorPrompts(
      stamp,
      prompts.map((p) => promptOf(p, promptNames.get(p.name)!)),
    ),
  };
  await repo.markDiscovered(
    gateway.id,
    JSON.stringify(found.capabilities),
    JSON.stringify(serverInfoOf(found)),
    opts.now,
  );
  return report;
}

/** Which MCP lists a sync changed, for list_changed events after the commit. */
export function changedKinds(report: SyncReport): Array<'tools' | 'resources' | 'prompts'> {
  return (['tools', 'resources', 'prompts'] as const).filter((k) => {
    const c = report[k];
    return c.added + c.updated + c.removed > 0;
  });
}
