// The `.env` file in the working directory: read with the python-dotenv grammar, appended to without breaking its last line.
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseDotenv } from './dotenv.js';

export const dotenvPath = (cwd: string): string => join(cwd, '.env');

export interface DotenvFile {
  values: Record<string, string>;
  /** One line per statement that was skipped, naming the line and never its content (it may be a secret). */
  warnings: string[];
}

export function readDotenvFile(cwd: string, env: Readonly<Record<string, string | undefined>>): DotenvFile {
  const path = dotenvPath(cwd);
  if (!existsSync(path)) return { values: {}, warnings: [] };
  const { values, problems } = parseDotenv(readFileSync(path, 'utf8'), env);
  return {
    values: Object.fromEntries(values),
    warnings: problems.map((p) => `${path} line ${p.line} ${p.message}`),
  };
}

function endsWithNewline(path: string): boolean {
  const size = statSync(path).size;
  if (size === 0) return true;
  const fd = openSync(path, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a || last[0] === 0x0d;
  } finally {
    closeSync(fd);
  }
}

/**
 * Adds `NAME=value` as a line of its own: a file whose last line has no newline gets one first, so the
 * new key is never glued onto the user's last value. `value` is written unquoted: callers pass generated hex.
 */
export function appendDotenvLine(cwd: string, name: string, value: string): void {
  const path = dotenvPath(cwd);
  const separator = existsSync(path) && !endsWithNewline(path) ? '\n' : '';
  appendFileSync(path, `${separator}${name}=${value}\n`, { mode: 0o600 });
}
