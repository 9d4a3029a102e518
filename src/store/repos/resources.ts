// SQL for the resources table and the resource side of server associations.
import { sql, type Kysely, type Updateable } from 'kysely';
import type { ListFilter } from './list-filter.js';
import type { Database, NewResourceRow, ResourceRow, ResourcesTable } from '../schema.js';
import { hasTag } from './list-filter.js';

export type ResourceRowUpdate = Updateable<ResourcesTable>;

export class ResourcesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: NewResourceRow): Promise<void> {
    await this.db.insertInto('resources').values(row).execute();
  }

  /** One multi-row INSERT (an import writes its new rows a batch at a time). */
  async insertMany(rows: readonly NewResourceRow[]): Promise<void> {
    if (rows.length > 0)
      await this.db
        .insertInto('resources')
        .values([...rows])
        .execute();
  }

  async update(id: string, patch: ResourceRowUpdate): Promise<void> {
    await this.db.updateTable('resources').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('resources').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  byId(id: string): Promise<ResourceRow | undefined> {
    return this.db.selectFrom('resources').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * The resource a URI names. Several may share it (local, and one per gateway): enabled ones first, then the
   * local one, then the oldest. With `serverId`, only the server's own.
   */
  byUri(uri: string, serverId?: string): Promise<ResourceRow | undefined> {
    let q = this.db.selectFrom('resources').selectAll('resources').where('resources.uri', '=', uri);
    if (serverId !== undefined)
      q = q
        .innerJoin('server_resource_association as sra', 'sra.resource_id', 'resources.id')
        .where('sra.server_id', '=', serverId);
    return q
      .orderBy('resources.enabled', 'desc')
      .orderBy(sql`case when resources.gateway_id is null then 0 else 1 end`)
      .orderBy('resources.created_at')
      .orderBy('resources.id')
      .executeTakeFirst();
  }

  /**
   * Rows ordered by uri, then id (a URI is unique per gateway only); limit+1 rows are fetched so the caller can
   * tell whether a next page exists. `filter.after` is a listKey(). `templates` true: only templates; false: only
   * concrete resources; undefined: both.
   */
  list(filter: ListFilter, serverId?: string, templates?: boolean): Promise<ResourceRow[]> {
    let q = this.db.selectFrom('resources').selectAll('resources');
    if (serverId !== undefined) {
      q = q
        .innerJoin('server_resource_association as sra', 'sra.resource_id', 'resources.id')
        .where('sra.server_id', '=', serverId);
    }
    if (templates === true) q = q.where('resources.uri_template', 'is not', null);
    if (templates === false) q = q.where('resources.uri_template', 'is', null);
    if (!filter.includeInactive) q = q.where('resources.enabled', '=', 1);
    if (filter.gatewayId !== undefined) q = q.where('resources.gateway_id', '=', filter.gatewayId);
    for (const tag of filter.tags) q = q.where(hasTag('resources.tags', tag));
    if (filter.after !== undefined) {
      const [uri, id] = parseListKey(filter.after);
      q = q.where((eb) =>
        eb.or([
          eb('resources.uri', '>', uri),
          eb.and([eb('resources.uri', '=', uri), eb('resources.id', '>', id)]),
        ]),
      );
    }
    q = q.orderBy('resources.uri').orderBy('resources.id');
    if (filter.limit > 0) q = q.limit(filter.limit + 1);
    return q.execute();
  }
}

/** The sort key of a resource in lists (what a cursor carries). */
export const resourceListKey = (row: Pick<ResourceRow, 'uri' | 'id'>): string =>
  JSON.stringify([row.uri, row.id]);

function parseListKey(key: string): [string, string] {
  try {
    const parsed: unknown = JSON.parse(key);
    if (Array.isArray(parsed) && typeof parsed[0] === 'string' && typeof parsed[1] === 'string')
      return [parsed[0], parsed[1]];
  } catch {
    // an older cursor carried the URI alone
  }
  return [key, ''];
}
