// SQL for what federation discovered: a gateway's rows in tools, resources and prompts made to mirror its upstream.
import type { Kysely } from 'kysely';
import { newId } from '../../lib/ids.js';
import type { Database } from '../schema.js';

/** The upstream-owned columns of a federated tool; enabled, tags, custom_name and auth stay as the admin set them. */
export interface DiscoveredTool {
  /** The tool's name upstream (tools.original_name): what a row is matched by across refreshes. */
  upstreamName: string;
  name: string;
  display_name: string | null;
  description: string | null;
  request_type: string;
  url: string;
  input_schema: string;
  output_schema: string | null;
  annotations: string;
}

export interface DiscoveredResource {
  /** Matched by URI (a template's URI column holds the template text). */
  uri: string;
  name: string;
  description: string | null;
  mime_type: string | null;
  uri_template: string | null;
  size: number | null;
}

export interface DiscoveredPrompt {
  upstreamName: string;
  name: string;
  description: string | null;
  argument_schema: string;
}

/** Who writes and when; new rows follow the gateway (a disabled gateway's new tools start disabled). */
export interface MirrorStamp {
  gatewayId: string;
  now: string;
  actor: string | null;
  enabled: 0 | 1;
}

export interface SyncCounts {
  added: number;
  updated: number;
  removed: number;
}

/** A registry name some other owner holds: a local entity (gatewayName null) or another gateway's. */
export interface NameHolder {
  id: string;
  name: string;
  gatewayName: string | null;
}

interface Plan<Row, Wanted> {
  removed: string[];
  updates: Array<{ row: Row; next: Wanted }>;
  inserts: Wanted[];
}

/** Which existing rows go, which change, which are new; `key` matches a row with what the upstream lists. */
function plan<Row extends { id: string }, Wanted extends object>(
  existing: readonly Row[],
  wanted: readonly Wanted[],
  rowKey: (row: Row) => string,
  wantedKey: (item: Wanted) => string,
  columns: (item: Wanted) => Record<string, unknown>,
): Plan<Row, Wanted> {
  const byKey = new Map(existing.map((r) => [rowKey(r), r]));
  const listed = new Set(wanted.map(wantedKey));
  const out: Plan<Row, Wanted> = {
    removed: existing.filter((r) => !listed.has(rowKey(r))).map((r) => r.id),
    updates: [],
    inserts: [],
  };
  for (const item of wanted) {
    const row = byKey.get(wantedKey(item));
    if (row === undefined) out.inserts.push(item);
    else if (Object.entries(columns(item)).some(([k, v]) => (row as Record<string, unknown>)[k] !== v))
      out.updates.push({ row, next: item });
  }
  return out;
}

const counts = (p: Plan<unknown, unknown>): SyncCounts => ({
  added: p.inserts.length,
  updated: p.updates.length,
  removed: p.removed.length,
});

const toolColumns = ({ upstreamName: _, ...columns }: DiscoveredTool) => ({
  ...columns,
  integration_type: 'MCP',
});
const promptColumns = ({ upstreamName: _, ...columns }: DiscoveredPrompt) => ({ ...columns, template: '' });
const audit = (s: MirrorStamp) => ({
  created_at: s.now,
  updated_at: s.now,
  created_by: s.actor,
  modified_by: s.actor,
  version: 1,
});

/** Must run inside one transaction (db is the transaction): a failure leaves the gateway's rows as they were. */
export class DiscoveredRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Admin renames of the gateway's tools (custom_name by upstream name): they survive refreshes. */
  async customToolNames(gatewayId: string): Promise<Map<string, string>> {
    const rows = await this.db
      .selectFrom('tools')
      .select(['original_name', 'custom_name'])
      .where('gateway_id', '=', gatewayId)
      .where('custom_name', 'is not', null)
      .execute();
    return new Map(rows.map((r) => [r.original_name, r.custom_name ?? r.original_name]));
  }

  /** Rows of `table` holding any of `names` that this gateway does not own. */
  async nameHolders(
    table: 'tools' | 'prompts',
    gatewayId: string,
    names: readonly string[],
  ): Promise<Map<string, NameHolder>> {
    const found = new Map<string, NameHolder>();
    const unique = [...new Set(names)];
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await this.db
        .selectFrom(table)
        .leftJoin('gateways', 'gateways.id', `${table}.gateway_id`)
        .select([`${table}.id as id`, `${table}.name as name`, 'gateways.name as gatewayName'])
        .where(`${table}.name`, 'in', unique.slice(i, i + 500))
        .where((eb) =>
          eb.or([eb(`${table}.gateway_id`, 'is', null), eb(`${table}.gateway_id`, '<>', gatewayId)]),
        )
        .execute();
      for (const row of rows) found.set(row.name, row);
    }
    return found;
  }

  async mirrorTools(stamp: MirrorStamp, wanted: readonly DiscoveredTool[]): Promise<SyncCounts> {
    const existing = await this.db
      .selectFrom('tools')
      .selectAll()
      .where('gateway_id', '=', stamp.gatewayId)
      .execute();
    const p = plan(
      existing,
      wanted,
      (r) => r.original_name,
      (w) => w.upstreamName,
      toolColumns,
    );
    await this.#delete('tools', p.removed);
    // Two tools may swap names (a renamed gateway, a prefix mode flip): park renamed rows first.
    for (const { row, next } of p.updates) if (row.name !== next.name) await this.#park('tools', row.id);
    for (const { row, next } of p.updates)
      await this.db
        .updateTable('tools')
        .set({
          ...toolColumns(next),
          updated_at: stamp.now,
          modified_by: stamp.actor,
          version: row.version + 1,
        })
        .where('id', '=', row.id)
        .execute();
    for (const next of p.inserts)
      await this.db
        .insertInto('tools')
        .values({
          id: newId(),
          original_name: next.upstreamName,
          custom_name: null,
          ...toolColumns(next),
          headers: '{}',
          jsonpath_filter: null,
          auth_type: null,
          auth_value: null,
          timeout_ms: null,
          gateway_id: stamp.gatewayId,
          enabled: stamp.enabled,
          reachable: 1,
          tags: '[]',
          ...audit(stamp),
        })
        .execute();
    return counts(p);
  }

  async mirrorResources(stamp: MirrorStamp, wanted: readonly DiscoveredResource[]): Promise<SyncCounts> {
    const existing = await this.db
      .selectFrom('resources')
      .selectAll()
      .where('gateway_id', '=', stamp.gatewayId)
      .execute();
    const p = plan(
      existing,
      wanted,
      (r) => r.uri,
      (w) => w.uri,
      (w) => ({ ...w }),
    );
    await this.#delete('resources', p.removed);
    for (const { row, next } of p.updates)
      await this.db
        .updateTable('resources')
        .set({ ...next, updated_at: stamp.now, modified_by: stamp.actor, version: row.version + 1 })
        .where('id', '=', row.id)
        .execute();
    for (const next of p.inserts)
      await this.db
        .insertInto('resources')
        .values({
          id: newId(),
          ...next,
          // Content lives upstream: resources/read is forwarded.
          text_content: null,
          binary_content: null,
          gateway_id: stamp.gatewayId,
          enabled: stamp.enabled,
          tags: '[]',
          ...audit(stamp),
        })
        .execute();
    return counts(p);
  }

  async mirrorPrompts(stamp: MirrorStamp, wanted: readonly DiscoveredPrompt[]): Promise<SyncCounts> {
    const existing = await this.db
      .selectFrom('prompts')
      .selectAll()
      .where('gateway_id', '=', stamp.gatewayId)
      .execute();
    const p = plan(
      existing,
      wanted,
      (r) => r.original_name,
      (w) => w.upstreamName,
      promptColumns,
    );
    await this.#delete('prompts', p.removed);
    for (const { row, next } of p.updates) if (row.name !== next.name) await this.#park('prompts', row.id);
    for (const { row, next } of p.updates)
      await this.db
        .updateTable('prompts')
        .set({
          ...promptColumns(next),
          updated_at: stamp.now,
          modified_by: stamp.actor,
          version: row.version + 1,
        })
        .where('id', '=', row.id)
        .execute();
    for (const next of p.inserts)
      await this.db
        .insertInto('prompts')
        .values({
          id: newId(),
          original_name: next.upstreamName,
          ...promptColumns(next),
          gateway_id: stamp.gatewayId,
          enabled: stamp.enabled,
          tags: '[]',
          ...audit(stamp),
        })
        .execute();
    return counts(p);
  }

  /** The upstream just answered: its self-description is stored and it and its tools are reachable, seen now. */
  async markDiscovered(
    gatewayId: string,
    capabilities: string,
    serverInfo: string,
    now: string,
  ): Promise<void> {
    await this.db
      .updateTable('gateways')
      .set({ capabilities, server_info: serverInfo, reachable: 1, last_seen: now })
      .where('id', '=', gatewayId)
      .execute();
    await this.db
      .updateTable('tools')
      .set({ reachable: 1 })
      .where('gateway_id', '=', gatewayId)
      .where('reachable', '=', 0)
      .execute();
  }

  async #delete(table: 'tools' | 'resources' | 'prompts', ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.db.deleteFrom(table).where('id', 'in', ids).execute();
  }

  /** A temporary name no real entity can hold, so renames in one sync never trip the unique index. */
  async #park(table: 'tools' | 'prompts', id: string): Promise<void> {
    await this.db
      .updateTable(table)
      .set({ name: `~renaming~${id}` })
      .where('id', '=', id)
      .execute();
  }
}
