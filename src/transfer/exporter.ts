// Builds the export document from a snapshot: a full export filtered by type, tag and state, or a selection.
import type { SecretCodec } from '../auth/secret-box.js';
import { invalid } from '../errors/app-error.js';
import { parseJsonColumn } from '../registry/common/json-column.js';
import { exportSealer } from './credentials.js';
import { gatewayEntry, promptEntry, resourceEntry, rootEntry, serverEntry, toolEntry } from './entries.js';
import {
  ENTITY_TYPES,
  EXPORT_VERSION,
  FORMAT,
  type EntityType,
  type ExportDocument,
  type ExportEntities,
  type SecretsMode,
} from './export-format.js';
import type { Snapshot } from './snapshot.js';

export interface ExportContext {
  codec: SecretCodec & { fingerprint: string };
  exportedBy: string;
  sourceGateway: string;
  secrets: SecretsMode;
  passphrase?: string | undefined;
  now: string;
}

export interface FilterOptions {
  /** Empty: every type. */
  types: EntityType[];
  excludeTypes: EntityType[];
  /** An entity is exported when it carries any of these; empty: no tag filter. */
  tags: string[];
  includeInactive: boolean;
  includeDependencies: boolean;
}

/** By id, or by name (tools: registered or own name; resources and roots: URI). */
export type Selection = Partial<Record<EntityType, string[]>>;

type Pick = { [K in keyof Omit<Snapshot, 'links'>]: Set<string> };

const emptyPick = (): Pick => ({
  tools: new Set(),
  resources: new Set(),
  prompts: new Set(),
  servers: new Set(),
  gateways: new Set(),
  roots: new Set(),
});

export function exportFiltered(snap: Snapshot, filter: FilterOptions, ctx: ExportContext): ExportDocument {
  const types = (filter.types.length > 0 ? filter.types : [...ENTITY_TYPES]).filter(
    (t) => !filter.excludeTypes.includes(t),
  );
  const wanted = (row: { enabled: number; tags: string }) =>
    (filter.includeInactive || row.enabled === 1) &&
    (filter.tags.length === 0 || parseJsonColumn<string[]>(row.tags).some((t) => filter.tags.includes(t)));
  const pick = emptyPick();
  for (const type of types) {
    if (type === 'roots') snap.roots.forEach((r) => pick.roots.add(r.uri));
    else
      for (const row of snap[type] as Array<{
        id: string;
        enabled: number;
        tags: string;
        gateway_id?: string | null;
      }>)
        if ((row.gateway_id ?? null) === null && wanted(row)) pick[type].add(row.id);
  }
  return build(snap, pick, types, ctx, filter.includeDependencies, {
    include_inactive: filter.includeInactive,
    include_dependencies: filter.includeDependencies,
    selected_types: types,
    filter_tags: filter.tags,
    secrets: ctx.secrets,
  });
}

export function exportSelected(
  snap: Snapshot,
  selection: Selection,
  includeDependencies: boolean,
  ctx: ExportContext,
): ExportDocument {
  const pick = emptyPick();
  const keys: Record<EntityType, (row: never) => string[]> = {
    tools: (r: { id: string; name: string; original_name: string }) => [r.id, r.name, r.original_name],
    resources: (r: { id: string; uri: string }) => [r.id, r.uri],
    prompts: (r: { id: string; name: string }) => [r.id, r.name],
    servers: (r: { id: string; name: string }) => [r.id, r.name],
    gateways: (r: { id: string; name: string }) => [r.id, r.name],
    roots: (r: { uri: string }) => [r.uri],
  };
  for (const type of ENTITY_TYPES) {
    const refs = selection[type];
    if (refs === undefined) continue;
    const rows = snap[type] as Array<{ id?: string; uri?: string }>;
    for (const ref of refs) {
      const row = rows.find((r) => keys[type](r as never).includes(ref));
      if (row === undefined) throw invalid(`${type}: nothing named "${ref}" to export`);
      pick[type].add(type === 'roots' ? row.uri! : row.id!);
    }
  }
  if (includeDependencies) addDependencies(snap, pick);
  const types = ENTITY_TYPES.filter((t) => pick[t].size > 0 || selection[t] !== undefined);
  return build(snap, pick, types, ctx, includeDependencies, {
    selective: true,
    include_dependencies: includeDependencies,
    selections: selection,
    secrets: ctx.secrets,
  });
}

/** A selected server brings what it links to: local entities themselves, federated ones through their gateway. */
function addDependencies(snap: Snapshot, pick: Pick): void {
  const owner = new Map<string, string | null>();
  for (const kind of ['tools', 'resources', 'prompts'] as const)
    for (const row of snap[kind]) owner.set(row.id, row.gateway_id);
  for (const serverId of pick.servers) {
    const links = snap.links.get(serverId);
    if (links === undefined) continue;
    for (const [kind, ids] of [
      ['tools', links.tool],
      ['resources', links.resource],
      ['prompts', links.prompt],
    ] as const)
      for (const id of ids) {
        const gateway = owner.get(id) ?? null;
        if (gateway === null) pick[kind].add(id);
        else pick.gateways.add(gateway);
      }
  }
}

function build(
  snap: Snapshot,
  pick: Pick,
  types: readonly EntityType[],
  ctx: ExportContext,
  withDependencies: boolean,
  options: Record<string, unknown>,
): ExportDocument {
  const seal = exportSealer(ctx.secrets, ctx.codec, ctx.passphrase);
  const toolNames = new Map(snap.tools.map((t) => [t.id, t.name]));
  const ownedBy = (gatewayId: string) => ({
    tools: snap.tools.filter((t) => t.gateway_id === gatewayId),
    resources: snap.resources.filter((r) => r.gateway_id === gatewayId),
    prompts: snap.prompts.filter((p) => p.gateway_id === gatewayId),
  });
  const noLinks = { tool: [], resource: [], prompt: [] };
  const all: Required<ExportEntities> = {
    tools: snap.tools.filter((r) => pick.tools.has(r.id)).map((r) => toolEntry(r, seal)),
    gateways: snap.gateways
      .filter((r) => pick.gateways.has(r.id))
      .map((r) => gatewayEntry(r, ownedBy(r.id), seal, ctx.codec)),
    servers: snap.servers
      .filter((r) => pick.servers.has(r.id))
      .map((r) => serverEntry(r, snap.links.get(r.id) ?? noLinks, toolNames)),
    prompts: snap.prompts.filter((r) => pick.prompts.has(r.id)).map(promptEntry),
    resources: snap.resources.filter((r) => pick.resources.has(r.id)).map(resourceEntry),
    roots: snap.roots.filter((r) => pick.roots.has(r.uri)).map(rootEntry),
  };
  const entities: ExportEntities = {};
  const counts: Partial<Record<EntityType, number>> = {};
  for (const type of types) {
    (entities as Record<string, unknown>)[type] = all[type];
    counts[type] = all[type].length;
  }
  return {
    version: EXPORT_VERSION,
    exported_at: ctx.now,
    exported_by: ctx.exportedBy,
    source_gateway: ctx.sourceGateway,
    encryption_method: 'AES-256-GCM',
    entities,
    metadata: {
      entity_counts: counts,
      dependencies: withDependencies ? dependencies(all, snap) : {},
      export_options: options,
    },
    mcpgateway: {
      format: FORMAT,
      secrets: ctx.secrets,
      ...(ctx.secrets === 'key' ? { key_fingerprint: ctx.codec.fingerprint } : {}),
    },
  };
}

/** ContextForge's servers_to_* maps: server name → the names (resources: URIs) it links to. */
function dependencies(
  all: Required<ExportEntities>,
  snap: Snapshot,
): Record<string, Record<string, string[]>> {
  const uri = new Map(snap.resources.map((r) => [r.id, r.uri]));
  const prompt = new Map(snap.prompts.map((p) => [p.id, p.name]));
  const out = { servers_to_tools: {}, servers_to_resources: {}, servers_to_prompts: {} } as Record<
    string,
    Record<string, string[]>
  >;
  for (const server of all.servers) {
    out.servers_to_tools![server.name] = server.tool_ids;
    out.servers_to_resources![server.name] = server.resource_ids.map((id) => uri.get(id) ?? id);
    out.servers_to_prompts![server.name] = server.prompt_ids.map((id) => prompt.get(id) ?? id);
  }
  return out;
}
