// 0004: mcp_sessions gets the owner's subject as a column, so listing a principal's sessions (on every new session) is an index range, not a scan of JSON.
import type { Kysely } from 'kysely';

export function mcpSessionSubject() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // Nullable: ALTER TABLE ADD COLUMN on SQLite needs a default for NOT NULL, and no row predates the store writing it.
      await db.schema.alterTable('mcp_sessions').addColumn('subject', 'text').execute();
      await db.schema
        .createIndex('mcp_sessions_subject_idx')
        .on('mcp_sessions')
        .columns(['subject', 'last_accessed'])
        .execute();
    },
  };
}
