// parseDotenv reads what python-dotenv reads (expected values below were checked against python-dotenv 1.2).
import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../../src/config/dotenv.js';

const values = (text: string, env: Record<string, string> = {}) =>
  Object.fromEntries(parseDotenv(text, env).values);

describe('parseDotenv', () => {
  it('reads plain, exported, spaced and commented bindings', () => {
    expect(
      values(
        '# a comment\nexport A=1\nB = two words   # trailing comment\nC=abc#kept\n  D = indented\nE=\nF=x=y=z\n',
      ),
    ).toEqual({ A: '1', B: 'two words', C: 'abc#kept', D: 'indented', E: '', F: 'x=y=z' });
  });

  it('decodes escapes in double quotes only, and keeps quoted values across lines', () => {
    expect(
      values(`D='single \\' quoted \\n raw'\nE="double \\"q\\" \\n nl \\t tab \\\\ bs"\nU=a\\nb\n`),
    ).toEqual({
      D: "single ' quoted \\n raw",
      E: 'double "q" \n nl \t tab \\ bs',
      U: 'a\\nb',
    });
    expect(values('F="multi\nline value"\nG=\'multi\nsingle\'\nH=after\n')).toEqual({
      F: 'multi\nline value',
      G: 'multi\nsingle',
      H: 'after',
    });
  });

  it('keeps JSON lists as written, quoted or not', () => {
    expect(
      values(`A='["http://localhost", "http://localhost:4444"]'\nB=["10.20.0.0/16","192.168.50.0/24"]\n`),
    ).toEqual({
      A: '["http://localhost", "http://localhost:4444"]',
      B: '["10.20.0.0/16","192.168.50.0/24"]',
    });
  });

  it('expands ${NAME} and ${NAME:-default} from earlier keys, then the environment', () => {
    expect(values('H=host\nI=${H}:${PORT} ${MISSING:-dflt}\n', { PORT: '4444' })).toEqual({
      H: 'host',
      I: 'host:4444 dflt',
    });
  });

  it('skips a line without "=" on its own, so the next key keeps its value', () => {
    const parsed = parseDotenv('JWT_SECRET_KEY\nAUTH_ENCRYPTION_SECRET=mine\n');
    expect(Object.fromEntries(parsed.values)).toEqual({ AUTH_ENCRYPTION_SECRET: 'mine' });
    expect(parsed.problems).toEqual([{ line: 1, message: 'JWT_SECRET_KEY has no "=" and is ignored' }]);
  });

  it('reports an unreadable statement by line number without quoting it, and reads on', () => {
    const parsed = parseDotenv('A=1\nB="x" top-secret-trailer\nC=3');
    expect(Object.fromEntries(parsed.values)).toEqual({ A: '1', C: '3' });
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]!.line).toBe(2);
    expect(JSON.stringify(parsed.problems)).not.toContain('top-secret');
  });

  it('reads a last line without a newline, and CRLF files', () => {
    expect(values('A=1\r\nB=2\r\nC=3')).toEqual({ A: '1', B: '2', C: '3' });
  });
});
