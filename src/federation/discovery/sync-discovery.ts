// syncDiscovery: writes one discovery into the registry (gateway row, tools, resources, prompts); the caller supplies the transaction.
import type { Kysely } from 'kysely';
import type { Database, GatewayRow } from '../../store/schema.js';
import type { PrefixMode } from '../naming.js';
import type { Discovery } from './discover.js';
import { syncPrompts } from './sync-prompts.js';
import { syncResources } from './sync-resources.js';
import { syncTools, type SyncContext, type SyncCounts } from './sync-tools.js';

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

/**
 * Must run inside one transaction (db is the transaction): a 409 from any kind leaves nothing written.
 * Marks the gateway reachable and seen now, since it just answered.
 */
export async function syncDiscovery(
  db: Kysely<Database>,
  gateway: GatewayRow,
  found: Discovery,
  opts: SyncOptions,
): Promise<SyncReport> {
  const ctx: SyncContext = {
    gatewayId: gateway.id,
    gatewayName: gateway.name,
    slug: gateway.slug,
    mode: PREFIX_MODES.has(gateway.prefix_mode) ? (gateway.prefix_mode as PrefixMode) : 'always',
    separator: opts.separator,
    now: opts.now,
    actor: opts.actor,
    transport: gateway.transport,
    url: gateway.url,
    enabled: gateway.enabled === 1 ? 1 : 0,
  };
  const tools = await syncTools(db, ctx, found.tools);
  const resources = await syncResources(db, ctx, found.resources, found.resourceTemplates);
  const prompts = await syncPrompts(db, ctx, found.prompts);
  await db
    .updateTable('gateways')
    .set({
      capabilities: JSON.stringify(found.capabilities),
      server_info: JSON.stringify(serverInfoOf(found)),
      reachable: 1,
      last_seen: opts.now,
    })
    .where('id', '=', gateway.id)
    .execute();
  await db
    .updateTable('tools')
    .set({ reachable: 1 })
    .where('gateway_id', '=', gateway.id)
    .where('reachable', '=', 0)
    .execute();
  return { tools, resources, prompts };
}

/** Which MCP lists a sync changed, for list_changed events after the commit. */
export function changedKinds(report: SyncReport): Array<'tools' | 'resources' | 'prompts'> {
  return (['tools', 'resources', 'prompts'] as const).filter((k) => {
    const c = report[k];
    return c.added + c.updated + c.removed > 0;
  });
}
