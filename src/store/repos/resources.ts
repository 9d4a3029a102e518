// SQL for the resources table and the resource side of server associations.
import type { Kysely, Updateable } from 'kysely';
import type { ListFilter } from '../../registry/common/pagination.js';
import type { Database, NewResourceRow, ResourceRow, ResourcesTable } from '../schema.js';
import { hasTag } from './list-filter.js';

export type ResourceRowUpdate = Updateable<ResourcesTable>;

export interface ResourceListOptions {
  serverId?: string | undefined;
  /** true: only templates; false: only concrete resources; undefined: both. */
  templates?: boolean | undefined;
}

export class ResourcesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: NewResourceRow): Promise<void> {
    await this.db.insertInto('resources').values(row).execute();
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

  byUri(uri: string): Promise<ResourceRow | undefined> {
    return this.db.selectFrom('resources').selectAll().where('uri', '=', uri).executeTakeFirst();
  }

  async isAssociated(resourceId: string, serverId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('server_resource_association')
      .select('resource_id')
      .where('resource_id', '=', resourceId)
      .where('server_id', '=', serverId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Rows ordered by uri (the unique key); limit+1 rows are fetched so the caller can tell whether a next page exists. */
  list(filter: ListFilter, opts: ResourceListOptions = {}): Promise<ResourceRow[]> {
    let q = this.db.selectFrom('resources').selectAll('resources');
    if (opts.serverId !== undefined) {
      q = q
        .innerJoin('server_resource_association as sra', 'sra.resource_id', 'resources.id')
        .where('sra.server_id', '=', opts.serverId);
    }
    if (opts.templates === true) q = q.where('resources.uri_template', 'is not', null);
    if (opts.templates === false) q = q.where('resources.uri_template', 'is', null);
    if (!filter.includeInactive) q = q.where('resources.enabled', '=', 1);
    if (filter.gatewayId !== undefined) q = q.where('resources.gateway_id', '=', filter.gatewayId);
    for (const tag of filter.tags) q = q.where(hasTag('resources.tags', tag));
    if (filter.after !== undefined) q = q.where('resources.uri', '>', filter.after);
    q = q.orderBy('resources.uri');
    if (filter.limit > 0) q = q.limit(filter.limit + 1);
    return q.execute();
  }
}
