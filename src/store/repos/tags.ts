// Reads the tags column of every taggable table, for the cross-entity tag index.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export const TAGGABLE = ['tools', 'resources', 'prompts', 'servers', 'gateways'] as const;
export type TaggableTable = (typeof TAGGABLE)[number];

export interface TaggedRow {
  id: string;
  name: string;
  description: string | null;
  tags: string;
}

export class TagsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Rows of one table that carry at least one tag, ordered by name. */
  tagged(table: TaggableTable): Promise<TaggedRow[]> {
    return this.db
      .selectFrom(table)
      .select(['id', 'name', 'description', 'tags'])
      .where('tags', '<>', '[]')
      .orderBy('name')
      .execute();
  }
}
