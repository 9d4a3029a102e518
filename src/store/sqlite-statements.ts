// withStatementCache: the better-sqlite3 handle Kysely drives, with each SQL text prepared once.
import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * Why: Kysely's SQLite driver calls prepare() for every query, and SQLite compiles the statement each time;
 * the same few texts run on every request (session lookups, metrics inserts), so compiling them was a visible
 * share of the gateway's CPU. better-sqlite3 statements run synchronously, so one can serve every query of
 * its text, except while an iterator holds it (then a fresh one is prepared). Least recently used texts go.
 */
export function withStatementCache(handle: Database, maxStatements = 500): SqliteDatabase {
  const statements = new Map<string, Statement>();
  return {
    close: () => {
      statements.clear();
      handle.close();
    },
    prepare(sql) {
      const cached = statements.get(sql);
      if (cached !== undefined && !cached.busy) {
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = handle.prepare(sql);
      if (cached === undefined) {
        if (statements.size >= maxStatements) {
          const oldest = statements.keys().next();
          if (oldest.done !== true) statements.delete(oldest.value);
        }
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
