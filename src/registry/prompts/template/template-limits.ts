// The hard limits every template runs under, whatever its author wrote or the operator configured.

/** Items one range() may produce: Jinja's own sandbox uses the same number (MAX_RANGE). */
export const MAX_RANGE_ITEMS = 100_000;

/** Iterations of nested loops over literal ranges or lists that a template may declare up front. */
export const MAX_STATIC_LOOP_ITERATIONS = 1_000_000;

/** Heap of one render process (--max-old-space-size): a template that needs more kills that process, not the gateway. */
export const RENDER_HEAP_MB = 64;
