// parseDotenv: reads `.env` text the way python-dotenv (and so ContextForge) does, so one file serves both.
// Grammar per binding: [export ]KEY[ = VALUE][ # comment]; VALUE is 'single' (only \\ and \' escaped),
// "double" (\\ \' \" \a \b \f \n \r \t \v escaped), both may span lines, or unquoted (cut at ` #`, trimmed).
// `${NAME}` and `${NAME:-default}` expand from earlier keys, then the environment, as dotenv_values does.

export interface DotenvProblem {
  /** 1-based line where the unreadable statement starts. */
  line: number;
  /** Says what is wrong without quoting the line: it may hold a secret. */
  message: string;
}

export interface ParsedDotenv {
  values: Map<string, string>;
  problems: DotenvProblem[];
}

const MULTILINE_WHITESPACE = /\s*/y;
const WHITESPACE = /[^\S\r\n]*/y;
const EXPORT = /(?:export[^\S\r\n]+)?/y;
const SINGLE_QUOTED_KEY = /'([^']+)'/y;
const UNQUOTED_KEY = /([^=#\s]+)/y;
const EQUAL_SIGN = /=[^\S\r\n]*/y;
const SINGLE_QUOTED_VALUE = /'((?:\\'|[^'])*)'/y;
const DOUBLE_QUOTED_VALUE = /"((?:\\"|[^"])*)"/y;
const UNQUOTED_VALUE = /([^\r\n]*)/y;
const COMMENT = /(?:[^\S\r\n]*#[^\r\n]*)?/y;
const END_OF_LINE = /[^\S\r\n]*(?:\r\n|\n|\r|$)/y;
const REST_OF_LINE = /[^\r\n]*(?:\r|\n|\r\n)?/y;
const VARIABLE = /\$\{([^}:]*)(?::-([^}]*))?\}/g;

const DOUBLE_QUOTE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

class Unreadable extends Error {}

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  peek(): string {
    return this.text.charAt(this.pos);
  }

  read(pattern: RegExp): string {
    pattern.lastIndex = this.pos;
    const match = pattern.exec(this.text);
    if (match === null) throw new Unreadable();
    this.pos += match[0].length;
    return match[1] ?? match[0];
  }

  lineAt(pos: number): number {
    let line = 1;
    for (let i = 0; i < pos; i++) {
      const c = this.text[i];
      if (c === '\n' || (c === '\r' && this.text[i + 1] !== '\n')) line++;
    }
    return line;
  }
}

function readValue(reader: Reader): string {
  const first = reader.peek();
  if (first === "'") return reader.read(SINGLE_QUOTED_VALUE).replace(/\\([\\'])/g, '$1');
  if (first === '"') {
    return reader
      .read(DOUBLE_QUOTED_VALUE)
      .replace(/\\([\\'"abfnrtv])/g, (_, c: string) => DOUBLE_QUOTE_ESCAPES[c]!);
  }
  if (first === '' || first === '\n' || first === '\r') return '';
  return reader
    .read(UNQUOTED_VALUE)
    .replace(/\s+#.*/, '')
    .trimEnd();
}

/** Parses `.env` text; `env` supplies `${NAME}` references the file does not define. Later keys win. */
export function parseDotenv(
  text: string,
  env: Readonly<Record<string, string | undefined>> = {},
): ParsedDotenv {
  const reader = new Reader(text);
  const values = new Map<string, string>();
  const problems: DotenvProblem[] = [];
  const lookup = (name: string, fallback: string): string => values.get(name) ?? env[name] ?? fallback;
  for (;;) {
    reader.read(MULTILINE_WHITESPACE);
    if (reader.pos >= text.length) break;
    const start = reader.pos;
    try {
      reader.read(EXPORT);
      if (reader.peek() === '#') {
        reader.read(COMMENT);
        reader.read(END_OF_LINE);
        continue;
      }
      const key = reader.read(reader.peek() === "'" ? SINGLE_QUOTED_KEY : UNQUOTED_KEY);
      reader.read(WHITESPACE);
      const hasValue = reader.peek() === '=';
      let value: string | undefined;
      if (hasValue) {
        reader.read(EQUAL_SIGN);
        value = readValue(reader);
      }
      reader.read(COMMENT);
      reader.read(END_OF_LINE);
      if (value === undefined) {
        problems.push({ line: reader.lineAt(start), message: `${key} has no "=" and is ignored` });
        continue;
      }
      values.set(
        key,
        value.replace(VARIABLE, (_, name: string, fallback: string | undefined) =>
          lookup(name, fallback ?? ''),
        ),
      );
    } catch (error) {
      if (!(error instanceof Unreadable)) throw error;
      // Like python-dotenv: skip the rest of the line where reading failed, then go on with the next statement.
      reader.read(REST_OF_LINE);
      problems.push({
        line: reader.lineAt(start),
        message: 'is not KEY=VALUE (an unclosed quote, or text after the value) and is ignored',
      });
    }
  }
  return { values, problems };
}
