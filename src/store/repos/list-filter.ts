// Pieces of list queries shared by the entity repos.
import { sql, type RawBuilder } from 'kysely';

/**
 * Tags are stored as a JSON array of normalized strings, so `"tag"` inside the text matches exactly one
 * element; LIKE wildcards in the tag (`_`) are escaped so `a_b` never matches `axb`.
 */
export function hasTag(column: string, tag: string): RawBuilder<boolean> {
  const pattern = `%${JSON.stringify(tag).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`${sql.ref(column)} like ${pattern} escape '\\'`;
}
