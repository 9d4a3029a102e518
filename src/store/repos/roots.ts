// SQL for the roots table (the filesystem or URI roots the gateway advertises).
import type { Kysely } from 'kysely';
import type { Database, RootRow } from '../schema.js';

export class RootsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  list(): Promise<RootRow[]> {
    return this.db.selectFrom('roots').selectAll().orderBy('uri').execute();
  }

  async insert(row: RootRow): Promise<void> {
    await this.db.insertInto('roots').values(row).execute();
  }

  async rename(uri: string, name: string | null): Promise<void> {
    await this.db.updateTable('roots').set({ name }).where('uri', '=', uri).execute();
  }

  async delete(uri: string): Promise<boolean> {
    const result = await this.db.deleteFrom('roots').where('uri', '=', uri).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
