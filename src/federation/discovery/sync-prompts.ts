// syncPrompts: a gateway's rows in `prompts` follow the upstream's prompts (prefixed names, arguments, empty template).
import type { Prompt } from '@modelcontextprotocol/client';
import type { Kysely } from 'kysely';
import { newId } from '../../lib/ids.js';
import type { Database, PromptRow } from '../../store/schema.js';
import { assignNames } from './assign-names.js';
import { uniqueBy, type SyncContext, type SyncCounts } from './sync-tools.js';

/** The upstream's arguments in the registry's argument_schema shape ({name, description?, required}). */
function argumentsOf(prompt: Prompt): string {
  return JSON.stringify(
    (prompt.arguments ?? []).map((a) => ({
      name: a.name,
      ...(a.description === undefined ? {} : { description: a.description }),
      required: a.required === true,
    })),
  );
}

function upstreamColumns(prompt: Prompt, name: string) {
  return {
    name,
    description: prompt.description ?? null,
    // Rendering happens upstream (prompts/get is forwarded); nothing to render here.
    template: '',
    argument_schema: argumentsOf(prompt),
  };
}

type Columns = ReturnType<typeof upstreamColumns>;

const changed = (row: PromptRow, next: Columns) =>
  (Object.keys(next) as Array<keyof Columns>).some((k) => row[k] !== next[k]);

export async function syncPrompts(
  db: Kysely<Database>,
  ctx: SyncContext,
  upstream: readonly Prompt[],
): Promise<SyncCounts> {
  const prompts = uniqueBy(upstream, (p) => p.name);
  const existing = await db
    .selectFrom('prompts')
    .selectAll()
    .where('gateway_id', '=', ctx.gatewayId)
    .execute();
  const byOriginal = new Map(existing.map((r) => [r.original_name, r]));
  const names = await assignNames(
    db,
    'prompts',
    ctx,
    prompts.map((p) => ({ upstreamName: p.name })),
  );

  const listed = new Set(prompts.map((p) => p.name));
  const removed = existing.filter((r) => !listed.has(r.original_name)).map((r) => r.id);
  if (removed.length > 0) await db.deleteFrom('prompts').where('id', 'in', removed).execute();

  const updates: Array<{ row: PromptRow; next: Columns }> = [];
  const inserts: Array<{ original: string; next: Columns }> = [];
  for (const prompt of prompts) {
    const next = upstreamColumns(prompt, names.get(prompt.name)!);
    const row = byOriginal.get(prompt.name);
    if (row === undefined) inserts.push({ original: prompt.name, next });
    else if (changed(row, next)) updates.push({ row, next });
  }
  // Park renamed rows first so a name swap never trips the unique index; new rows come last.
  for (const { row, next } of updates)
    if (row.name !== next.name)
      await db
        .updateTable('prompts')
        .set({ name: `~renaming~${row.id}` })
        .where('id', '=', row.id)
        .execute();
  for (const { row, next } of updates)
    await db
      .updateTable('prompts')
      .set({ ...next, updated_at: ctx.now, modified_by: ctx.actor, version: row.version + 1 })
      .where('id', '=', row.id)
      .execute();
  for (const { original, next } of inserts)
    await db
      .insertInto('prompts')
      .values({
        id: newId(),
        original_name: original,
        ...next,
        gateway_id: ctx.gatewayId,
        enabled: ctx.enabled,
        tags: '[]',
        created_at: ctx.now,
        updated_at: ctx.now,
        created_by: ctx.actor,
        modified_by: ctx.actor,
        version: 1,
      })
      .execute();
  return { added: inserts.length, updated: updates.length, removed: removed.length };
}
