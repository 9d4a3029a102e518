// connectStore: opens the database named by DATABASE_URL and proves it answers, or fails with a message naming DATABASE_URL (never its password).
import { AppError, isAppError } from '../errors/app-error.js';
import { openStore, parseDatabaseUrl, pingStore, redactUrl, type OpenOptions, type Store } from './db.js';

/** What to do about the usual reasons a database cannot be opened, by pg / Node / SQLite error code. */
const HINTS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'nothing accepts connections there: is PostgreSQL running, on that host and port?',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve',
  ETIMEDOUT: 'the server did not answer in time',
  '3D000': 'create it with createdb, or name an existing database',
  '28P01': 'the password was refused',
  '28000': 'the server refused this user',
  SQLITE_CANTOPEN: 'the file cannot be opened: check that its directory exists and is writable',
  EACCES: 'permission denied: choose a file in a directory this user may write',
};

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errors } = error as { code?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  // Node reports a refused connection to every address of a host name as an AggregateError.
  return Array.isArray(errors) ? codeOf(errors[0]) : undefined;
}

function describeFailure(url: string, error: unknown): AppError {
  const code = codeOf(error);
  const reason = error instanceof Error && error.message !== '' ? error.message : (code ?? String(error));
  const hint = code === undefined ? undefined : HINTS[code];
  return new AppError({
    code: 'Unavailable',
    message: `Cannot use the database at DATABASE_URL=${redactUrl(url)}: ${redactUrl(reason)}${hint ? ` (${hint})` : ''}`,
    cause: error,
  });
}

/** Opens the store and runs one round trip; on failure nothing is left open. */
export async function connectStore(url: string, opts: OpenOptions = {}): Promise<Store> {
  parseDatabaseUrl(url, opts.cwd);
  let store: Store;
  try {
    store = openStore(url, opts);
  } catch (error) {
    throw isAppError(error) ? error : describeFailure(url, error);
  }
  try {
    await pingStore(store);
    return store;
  } catch (error) {
    await store.close().catch(() => undefined);
    throw describeFailure(url, error);
  }
}
