// SQL for the tools table (and the tool side of server associations).
import type { Kysely } from 'kysely';
import type { ListFilter } from './list-filter.js';
import type { Database, NewToolRow, ToolRow, ToolRowUpdate } from '../schema.js';
import { hasTag } from './list-filter.js';

export class ToolsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: NewToolRow): Promise<void> {
    await this.db.insertInto('tools').values(row).execute();
  }

  /** One multi-row INSERT (an import writes its new rows a batch at a time). */
  async insertMany(rows: readonly NewToolRow[]): Promise<void> {
    if (rows.length > 0)
      await this.db
        .insertInto('tools')
        .values([...rows])
        .execute();
  }

  async update(id: string, patch: ToolRowUpdate): Promise<void> {
    await this.db.updateTable('tools').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('tools').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  byId(id: string): Promise<ToolRow | undefined> {
    return this.db.selectFrom('tools').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byName(name: string): Promise<ToolRow | undefined> {
    return this.db.selectFrom('tools').selectAll().where('name', '=', name).executeTakeFirst();
  }

  /** Rows ordered by name; limit+1 rows are fetched so the caller can tell whether a next page exists. */
  list(filter: ListFilter, serverId?: string): Promise<ToolRow[]> {
    let q = this.db.selectFrom('tools').selectAll('tools');
    if (serverId !== undefined) {
      q = q
        .innerJoin('server_tool_association as sta', 'sta.tool_id', 'tools.id')
        .where('sta.server_id', '=', serverId);
    }
    if (!filter.includeInactive) q = q.where('tools.enabled', '=', 1);
    if (filter.gatewayId !== undefined) q = q.where('tools.gateway_id', '=', filter.gatewayId);
    for (const tag of filter.tags) q = q.where(hasTag('tools.tags', tag));
    if (filter.after !== undefined) q = q.where('tools.name', '>', filter.after);
    q = q.orderBy('tools.name');
    if (filter.limit > 0) q = q.limit(filter.limit + 1);
    return q.execute();
  }

  async isAssociated(toolId: string, serverId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('server_tool_association')
      .select('tool_id')
      .where('tool_id', '=', toolId)
      .where('server_id', '=', serverId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async existingIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.selectFrom('tools').select('id').where('id', 'in', ids).execute();
    return new Set(rows.map((r) => r.id));
  }
}
