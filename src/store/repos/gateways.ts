// SQL for the gateways table, and the enabled flag of the tools, resources and prompts a gateway owns.
import type { Kysely, Updateable } from 'kysely';
import type { ListFilter } from './list-filter.js';
import type { Database, GatewayRow, GatewaysTable, NewGatewayRow } from '../schema.js';
import { hasTag } from './list-filter.js';

export type GatewayRowUpdate = Updateable<GatewaysTable>;

/** How many rows of each kind a gateway owns (or how many a cascade touched). */
export interface OwnedCounts {
  tools: number;
  resources: number;
  prompts: number;
}

const OWNED = ['tools', 'resources', 'prompts'] as const;

export class GatewaysRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: NewGatewayRow): Promise<void> {
    await this.db.insertInto('gateways').values(row).execute();
  }

  async update(id: string, patch: GatewayRowUpdate): Promise<void> {
    await this.db.updateTable('gateways').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('gateways').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  byId(id: string): Promise<GatewayRow | undefined> {
    return this.db.selectFrom('gateways').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The gateway already holding this name or slug, if any (checked before contacting an upstream). */
  byNameOrSlug(name: string, slug: string): Promise<GatewayRow | undefined> {
    return this.db
      .selectFrom('gateways')
      .selectAll()
      .where((eb) => eb.or([eb('name', '=', name), eb('slug', '=', slug)]))
      .executeTakeFirst();
  }

  enabledRows(): Promise<GatewayRow[]> {
    return this.db.selectFrom('gateways').selectAll().where('enabled', '=', 1).orderBy('name').execute();
  }

  /**
   * Records a health verdict on the gateway and its tools; returns whether the gateway's flag changed.
   * last_seen moves only when the upstream answered.
   */
  async markReachable(id: string, reachable: boolean, at: string): Promise<boolean> {
    const flag = reachable ? 1 : 0;
    const changed = await this.db
      .updateTable('gateways')
      .set({ reachable: flag })
      .where('id', '=', id)
      .where('reachable', '<>', flag)
      .executeTakeFirst();
    if (reachable)
      await this.db.updateTable('gateways').set({ last_seen: at }).where('id', '=', id).execute();
    await this.db
      .updateTable('tools')
      .set({ reachable: flag })
      .where('gateway_id', '=', id)
      .where('reachable', '<>', flag)
      .execute();
    return Number(changed.numUpdatedRows) > 0;
  }

  /** Rows ordered by name; limit+1 rows are fetched so the caller can tell whether a next page exists. */
  list(filter: ListFilter): Promise<GatewayRow[]> {
    let q = this.db.selectFrom('gateways').selectAll();
    if (!filter.includeInactive) q = q.where('enabled', '=', 1);
    for (const tag of filter.tags) q = q.where(hasTag('gateways.tags', tag));
    if (filter.after !== undefined) q = q.where('name', '>', filter.after);
    q = q.orderBy('name');
    if (filter.limit > 0) q = q.limit(filter.limit + 1);
    return q.execute();
  }

  async countOwned(gatewayId: string): Promise<OwnedCounts> {
    const counts: OwnedCounts = { tools: 0, resources: 0, prompts: 0 };
    for (const table of OWNED) {
      const row = await this.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .where('gateway_id', '=', gatewayId)
        .executeTakeFirst();
      counts[table] = Number(row?.n ?? 0);
    }
    return counts;
  }

  /** Sets `enabled` on everything the gateway owns; returns how many rows actually changed per kind. */
  async setOwnedEnabled(gatewayId: string, enabled: boolean, at: string): Promise<OwnedCounts> {
    const flag = enabled ? 1 : 0;
    const counts: OwnedCounts = { tools: 0, resources: 0, prompts: 0 };
    for (const table of OWNED) {
      const result = await this.db
        .updateTable(table)
        .set({ enabled: flag, updated_at: at })
        .where('gateway_id', '=', gatewayId)
        .where('enabled', '<>', flag)
        .executeTakeFirst();
      counts[table] = Number(result.numUpdatedRows);
    }
    return counts;
  }
}
