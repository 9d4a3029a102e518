// syncResources: a gateway's rows in `resources` follow the upstream's resources and templates, keyed by their upstream URI.
import type { Resource, ResourceTemplateType } from '@modelcontextprotocol/client';
import type { Kysely } from 'kysely';
import { conflict } from '../../errors/app-error.js';
import { newId } from '../../lib/ids.js';
import type { Database, ResourceRow } from '../../store/schema.js';
import { uniqueBy, type SyncContext, type SyncCounts } from './sync-tools.js';

interface Wanted {
  uri: string;
  name: string;
  description: string | null;
  mime_type: string | null;
  /** The template itself for templates (their `uri` column holds the template text too). */
  uri_template: string | null;
  size: number | null;
}

function wantedOf(resources: readonly Resource[], templates: readonly ResourceTemplateType[]): Wanted[] {
  const concrete = resources.map((r) => ({
    uri: r.uri,
    name: r.name,
    description: r.description ?? null,
    mime_type: r.mimeType ?? null,
    uri_template: null,
    size: typeof r.size === 'number' ? r.size : null,
  }));
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

const changed = (row: ResourceRow, next: Wanted) =>
  (Object.keys(next) as Array<keyof Wanted>).some((k) => row[k] !== next[k]);

/** URIs are global: one held by a local resource or another gateway is a 409 naming both, before any write. */
async function refuseForeignUris(
  db: Kysely<Database>,
  ctx: SyncContext,
  wanted: readonly Wanted[],
): Promise<void> {
  const uris = wanted.map((w) => w.uri);
  for (let i = 0; i < uris.length; i += 500) {
    const holder = await db
      .selectFrom('resources')
      .leftJoin('gateways', 'gateways.id', 'resources.gateway_id')
      .select(['resources.id', 'resources.uri', 'resources.name', 'gateways.name as gateway'])
      .where('resources.uri', 'in', uris.slice(i, i + 500))
      .where((eb) =>
        eb.or([eb('resources.gateway_id', 'is', null), eb('resources.gateway_id', '<>', ctx.gatewayId)]),
      )
      .executeTakeFirst();
    if (holder !== undefined) {
      const owner = holder.gateway === null ? 'not federated' : `from gateway "${holder.gateway}"`;
      throw conflict(
        `The resource URI "${holder.uri}" of gateway "${ctx.gatewayName}" clashes with the existing resource "${holder.name}" (id ${holder.id}, ${owner}): URIs are unique`,
        { field: 'uri', uri: holder.uri, existingId: holder.id },
      );
    }
  }
}

export async function syncResources(
  db: Kysely<Database>,
  ctx: SyncContext,
  resources: readonly Resource[],
  templates: readonly ResourceTemplateType[],
): Promise<SyncCounts> {
  const wanted = wantedOf(resources, templates);
  await refuseForeignUris(db, ctx, wanted);
  const existing = await db
    .selectFrom('resources')
    .selectAll()
    .where('gateway_id', '=', ctx.gatewayId)
    .execute();
  const byUri = new Map(existing.map((r) => [r.uri, r]));
  const listed = new Set(wanted.map((w) => w.uri));
  const removed = existing.filter((r) => !listed.has(r.uri)).map((r) => r.id);
  if (removed.length > 0) await db.deleteFrom('resources').where('id', 'in', removed).execute();

  let added = 0;
  let updated = 0;
  for (const next of wanted) {
    const row = byUri.get(next.uri);
    if (row !== undefined) {
      if (!changed(row, next)) continue;
      updated += 1;
      await db
        .updateTable('resources')
        .set({ ...next, updated_at: ctx.now, modified_by: ctx.actor, version: row.version + 1 })
        .where('id', '=', row.id)
        .execute();
      continue;
    }
    added += 1;
    await db
      .insertInto('resources')
      .values({
        id: newId(),
        ...next,
        // Content lives upstream: resources/read is forwarded.
        text_content: null,
        binary_content: null,
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
  }
  return { added, updated, removed: removed.length };
}
