// syncTools: makes a gateway's rows in `tools` match what the upstream lists (added, changed, vanished), keeping admin renames.
import type { Tool } from '@modelcontextprotocol/client';
import type { Kysely } from 'kysely';
import { newId } from '../../lib/ids.js';
import type { Database, ToolRow, ToolRowUpdate } from '../../store/schema.js';
import { assignNames, type NamingContext } from './assign-names.js';

export interface SyncContext extends NamingContext {
  now: string;
  actor: string | null;
  /** The gateway's transport (STREAMABLEHTTP, SSE, STDIO): the request_type of its tools. */
  transport: string;
  /** The gateway's URL, kept on each tool as ContextForge does. */
  url: string;
  /** New rows follow the gateway: a disabled gateway's new tools start disabled. */
  enabled: 0 | 1;
}

export interface SyncCounts {
  added: number;
  updated: number;
  removed: number;
}

export function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The upstream-owned columns of a tool; enabled, tags, custom_name and auth stay as the admin set them. */
function upstreamColumns(tool: Tool, name: string, ctx: SyncContext) {
  const title = tool.title ?? tool.annotations?.title;
  return {
    name,
    display_name: typeof title === 'string' ? title : null,
    description: tool.description ?? null,
    integration_type: 'MCP',
    request_type: ctx.transport,
    url: ctx.url,
    // Verbatim: $schema, $defs and every other keyword the upstream wrote go to clients unchanged.
    input_schema: JSON.stringify(tool.inputSchema),
    output_schema: tool.outputSchema === undefined ? null : JSON.stringify(tool.outputSchema),
    annotations: JSON.stringify(tool.annotations ?? {}),
  };
}

type Columns = ReturnType<typeof upstreamColumns>;

function changed(row: ToolRow, next: Columns): boolean {
  return (Object.keys(next) as Array<keyof Columns>).some((k) => row[k] !== next[k]);
}

export async function syncTools(
  db: Kysely<Database>,
  ctx: SyncContext,
  upstream: readonly Tool[],
): Promise<SyncCounts> {
  const tools = uniqueBy(upstream, (t) => t.name);
  const existing = await db.selectFrom('tools').selectAll().where('gateway_id', '=', ctx.gatewayId).execute();
  const byOriginal = new Map(existing.map((r) => [r.original_name, r]));
  const names = await assignNames(
    db,
    'tools',
    ctx,
    tools.map((t) => ({ upstreamName: t.name, customName: byOriginal.get(t.name)?.custom_name ?? null })),
  );

  const listed = new Set(tools.map((t) => t.name));
  const removed = existing.filter((r) => !listed.has(r.original_name)).map((r) => r.id);
  if (removed.length > 0) await db.deleteFrom('tools').where('id', 'in', removed).execute();

  const updates: Array<{ row: ToolRow; next: Columns }> = [];
  const inserts: Columns[] = [];
  const originals: string[] = [];
  for (const tool of tools) {
    const next = upstreamColumns(tool, names.get(tool.name)!, ctx);
    const row = byOriginal.get(tool.name);
    if (row === undefined) {
      inserts.push(next);
      originals.push(tool.name);
    } else if (changed(row, next)) updates.push({ row, next });
  }
  // Two tools may swap names (a renamed gateway, a prefix mode flip): park renamed rows first so no
  // intermediate state violates the unique index.
  for (const { row, next } of updates)
    if (row.name !== next.name)
      await db
        .updateTable('tools')
        .set({ name: `~renaming~${row.id}` })
        .where('id', '=', row.id)
        .execute();
  for (const { row, next } of updates) {
    const patch: ToolRowUpdate = {
      ...next,
      updated_at: ctx.now,
      modified_by: ctx.actor,
      version: row.version + 1,
    };
    await db.updateTable('tools').set(patch).where('id', '=', row.id).execute();
  }
  for (const [i, next] of inserts.entries()) {
    await db
      .insertInto('tools')
      .values({
        id: newId(),
        original_name: originals[i]!,
        custom_name: null,
        ...next,
        headers: '{}',
        jsonpath_filter: null,
        auth_type: null,
        auth_value: null,
        timeout_ms: null,
        gateway_id: ctx.gatewayId,
        enabled: ctx.enabled,
        reachable: 1,
        tags: '[]',
        created_at: ctx.now,
        updated_at: ctx.now,
        created_by: ctx.actor,
        modified_by: ctx.actor,
        version: 1,
      })
      .execute();
  }
  return { added: inserts.length, updated: updates.length, removed: removed.length };
}
