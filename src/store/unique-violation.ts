// Recognizes a unique-constraint violation from either driver, so services can answer 409 instead of 500.

/** The column that clashed when the driver says so, or '' for a unique violation without one; undefined otherwise. */
export function uniqueViolationColumn(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as { code?: unknown; message?: unknown; constraint?: unknown; detail?: unknown };
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    // "UNIQUE constraint failed: tools.name"
    const match = /failed: \w+\.(\w+)/.exec(String(e.message));
    return match?.[1] ?? '';
  }
  if (e.code === '23505') {
    // detail: 'Key (name)=(x) already exists.'
    const match = /Key \(([^)]+)\)/.exec(String(e.detail));
    return match?.[1] ?? '';
  }
  return undefined;
}
