// reusableQuery: a query built and compiled once, then run with new parameter values in the same places.
import type { CompiledQuery, Compilable, Kysely } from 'kysely';

/**
 * Why: Kysely builds and compiles a query's operation tree on every execution; for the one query every MCP
 * session request runs (its session record, with CACHE_TYPE=database) that was most of the query's cost.
 * `markers` are the values the query was built with; each run substitutes values for them by position, so
 * the markers must be distinct and each must appear in the compiled parameters exactly once.
 */
export function reusableQuery<DB, R>(
  db: Kysely<DB>,
  query: Compilable<R>,
  markers: readonly string[],
): (values: readonly unknown[]) => Promise<R[]> {
  const compiled: CompiledQuery<R> = query.compile();
  const slots = markers.map((marker) => {
    const at = compiled.parameters.indexOf(marker);
    if (at === -1 || compiled.parameters.lastIndexOf(marker) !== at)
      throw new Error(`reusableQuery: marker ${marker} must appear exactly once in ${compiled.sql}`);
    return at;
  });
  return async (values) => {
    const parameters = [...compiled.parameters];
    slots.forEach((slot, i) => (parameters[slot] = values[i]));
    return (await db.executeQuery<R>({ ...compiled, parameters })).rows;
  };
}
