// SQL for the servers table and its three association tables (tools, resources, prompts).
import { sql, type Kysely, type Updateable } from 'kysely';
import type { ListFilter } from './list-filter.js';
import type { Database, NewServerRow, ServerRow, ServersTable } from '../schema.js';
import { hasTag } from './list-filter.js';

export type AssociationKind = 'tool' | 'resource' | 'prompt';
export const ASSOCIATION_KINDS: readonly AssociationKind[] = ['tool', 'resource', 'prompt'];

/** Where each association lives, and the second identifier a client may use instead of the id. */
const ASSOCIATIONS = {
  tool: { link: 'server_tool_association', column: 'tool_id', target: 'tools', alias: 'name' },
  resource: { link: 'server_resource_association', column: 'resource_id', target: 'resources', alias: 'uri' },
  prompt: { link: 'server_prompt_association', column: 'prompt_id', target: 'prompts', alias: 'name' },
} as const;

export type ServerRowUpdate = Updateable<ServersTable>;
export type AssociationIds = Record<AssociationKind, string[]>;

export class ServersRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: NewServerRow): Promise<void> {
    await this.db.insertInto('servers').values(row).execute();
  }

  async update(id: string, patch: ServerRowUpdate): Promise<void> {
    await this.db.updateTable('servers').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('servers').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  byId(id: string): Promise<ServerRow | undefined> {
    return this.db.selectFrom('servers').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Rows ordered by name; limit+1 rows are fetched so the caller can tell whether a next page exists. */
  list(filter: ListFilter): Promise<ServerRow[]> {
    let q = this.db.selectFrom('servers').selectAll();
    if (!filter.includeInactive) q = q.where('enabled', '=', 1);
    for (const tag of filter.tags) q = q.where(hasTag('servers.tags', tag));
    if (filter.after !== undefined) q = q.where('name', '>', filter.after);
    q = q.orderBy('name');
    if (filter.limit > 0) q = q.limit(filter.limit + 1);
    return q.execute();
  }

  /**
   * Maps each reference (an id, or a tool/prompt name, or a resource URI) to the ids it names; references
   * matching nothing are absent. An id wins over a name that happens to look the same. A resource URI may name
   * several resources (the same URI from two gateways): all of them are returned, the caller decides.
   */
  async resolve(kind: AssociationKind, refs: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (refs.length === 0) return out;
    const { target, alias } = ASSOCIATIONS[kind];
    const result = await sql<{ id: string; alt: string }>`select id, ${sql.ref(alias)} as alt
      from ${sql.table(target)} where id in (${sql.join(refs)}) or ${sql.ref(alias)} in (${sql.join(refs)})
      order by id`.execute(this.db);
    const byAlt = new Map<string, string[]>();
    const ids = new Set<string>();
    for (const row of result.rows) {
      ids.add(row.id);
      byAlt.set(row.alt, [...(byAlt.get(row.alt) ?? []), row.id]);
    }
    for (const ref of refs) {
      const found = ids.has(ref) ? [ref] : byAlt.get(ref);
      if (found !== undefined) out.set(ref, found);
    }
    return out;
  }

  /** Each resource's URI and the gateway it came from (null: registered here), for messages about clashes. */
  async resourceOrigins(
    ids: readonly string[],
  ): Promise<Array<{ id: string; uri: string; gateway: string | null }>> {
    if (ids.length === 0) return [];
    return this.db
      .selectFrom('resources')
      .leftJoin('gateways', 'gateways.id', 'resources.gateway_id')
      .select(['resources.id as id', 'resources.uri as uri', 'gateways.name as gateway'])
      .where('resources.id', 'in', ids)
      .orderBy('resources.uri')
      .orderBy('resources.id')
      .execute();
  }

  /** Replaces the server's whole set of one kind (PUT semantics). */
  async replaceAssociations(serverId: string, kind: AssociationKind, ids: readonly string[]): Promise<void> {
    const { link, column } = ASSOCIATIONS[kind];
    await sql`delete from ${sql.table(link)} where server_id = ${serverId}`.execute(this.db);
    if (ids.length === 0) return;
    const rows = ids.map((id) => sql`(${serverId}, ${id})`);
    await sql`insert into ${sql.table(link)} (server_id, ${sql.ref(column)}) values ${sql.join(rows)}`.execute(
      this.db,
    );
  }

  /** Associated ids of every server given, each list ordered by the entity's name (or URI). */
  async associations(serverIds: readonly string[]): Promise<Map<string, AssociationIds>> {
    const out = new Map<string, AssociationIds>();
    for (const id of serverIds) out.set(id, { tool: [], resource: [], prompt: [] });
    if (serverIds.length === 0) return out;
    for (const kind of ASSOCIATION_KINDS) {
      const { link, column, target, alias } = ASSOCIATIONS[kind];
      const result = await sql<{
        server_id: string;
        entity_id: string;
      }>`select a.server_id, ${sql.ref(`a.${column}`)} as entity_id
        from ${sql.table(link)} a join ${sql.table(target)} t on t.id = ${sql.ref(`a.${column}`)}
        where a.server_id in (${sql.join(serverIds)}) order by ${sql.ref(`t.${alias}`)}`.execute(this.db);
      for (const row of result.rows) out.get(row.server_id)?.[kind].push(row.entity_id);
    }
    return out;
  }
}
