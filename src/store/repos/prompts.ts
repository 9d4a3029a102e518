// SQL for the prompts table and the prompt side of server associations.
import type { Kysely, Updateable } from 'kysely';
import type { ListFilter } from './list-filter.js';
import type { Database, NewPromptRow, PromptRow, PromptsTable } from '../schema.js';
import { hasTag } from './list-filter.js';

export type PromptRowUpdate = Updateable<PromptsTable>;

export class PromptsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: NewPromptRow): Promise<void> {
    await this.db.insertInto('prompts').values(row).execute();
  }

  /** One multi-row INSERT (an import writes its new rows a batch at a time). */
  async insertMany(rows: readonly NewPromptRow[]): Promise<void> {
    if (rows.length > 0)
      await this.db
        .insertInto('prompts')
        .values([...rows])
        .execute();
  }

  async update(id: string, patch: PromptRowUpdate): Promise<void> {
    await this.db.updateTable('prompts').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('prompts').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  byId(id: string): Promise<PromptRow | undefined> {
    return this.db.selectFrom('prompts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byName(name: string): Promise<PromptRow | undefined> {
    return this.db.selectFrom('prompts').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async isAssociated(promptId: string, serverId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('server_prompt_association')
      .select('prompt_id')
      .where('prompt_id', '=', promptId)
      .where('server_id', '=', serverId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Rows ordered by name; limit+1 rows are fetched so the caller can tell whether a next page exists. */
  list(filter: ListFilter, serverId?: string): Promise<PromptRow[]> {
    let q = this.db.selectFrom('prompts').selectAll('prompts');
    if (serverId !== undefined) {
      q = q
        .innerJoin('server_prompt_association as spa', 'spa.prompt_id', 'prompts.id')
        .where('spa.server_id', '=', serverId);
    }
    if (!filter.includeInactive) q = q.where('prompts.enabled', '=', 1);
    if (filter.gatewayId !== undefined) q = q.where('prompts.gateway_id', '=', filter.gatewayId);
    for (const tag of filter.tags) q = q.where(hasTag('prompts.tags', tag));
    if (filter.after !== undefined) q = q.where('prompts.name', '>', filter.after);
    q = q.orderBy('prompts.name');
    if (filter.limit > 0) q = q.limit(filter.limit + 1);
    return q.execute();
  }
}
