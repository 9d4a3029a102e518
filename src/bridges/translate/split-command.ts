// Splits a command line into argv with POSIX shell quoting rules, so a stdio server is spawned without a shell.
import { badRequest } from '../../errors/app-error.js';

/** Characters a backslash escapes inside double quotes (POSIX); before anything else it stays literal. */
const DOUBLE_QUOTE_ESCAPABLE = new Set(['"', '\\', '$', '`', '\n']);

/**
 * `splitCommand('npx -y "my server" --name \'a b\'')` → `['npx', '-y', 'my server', '--name', 'a b']`.
 * Quoting only: no variable, glob, tilde or command expansion, no operators (`|`, `;` are plain
 * characters), because nothing here is ever handed to a shell.
 */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;

  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && i + 1 < line.length && DOUBLE_QUOTE_ESCAPABLE.has(line[i + 1] as string)) {
        i++;
        // A backslash-newline is a line continuation: it disappears.
        if (line[i] !== '\n') word += line[i];
      } else word += ch;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    if (ch === '\\') {
      if (i + 1 >= line.length) throw badRequest('command ends with a lone backslash');
      i++;
      // Outside quotes a backslash-newline is a line continuation, not part of a word.
      if (line[i] === '\n') continue;
      word += line[i];
    } else if (ch === "'" || ch === '"') quote = ch;
    else word += ch;
    inWord = true;
  }
  if (quote !== undefined) throw badRequest(`unterminated ${quote} quote in command`);
  if (inWord) words.push(word);
  return words;
}
