// Command-line options of `mcpgateway translate`, parsed and bounded, with the usage text.
import { parseArgs } from 'node:util';
import { badRequest } from '../../errors/app-error.js';

export interface TranslateOptions {
  /** The stdio server's command line, split with shell quoting rules but never run by a shell. */
  command: string;
  exposeSse: boolean;
  exposeStreamableHttp: boolean;
  host: string;
  port: number;
  keepAliveSeconds: number;
  maxSessions: number;
  maxPendingPerSession: number;
  maxBodyBytes: number;
  sessionIdleSeconds: number;
}

export const TRANSLATE_USAGE = `Usage: mcpgateway translate --stdio "CMD" [options]

Runs one stdio MCP server and serves it over HTTP to many clients at once.

Options:
  --stdio "CMD"               command line of the stdio server (quoted; split without a shell)
  --expose-sse                serve legacy SSE: GET /sse + POST /message?session_id=...
  --expose-streamable-http    serve Streamable HTTP at /mcp
                              (neither given: SSE only, as ContextForge does)
  --port N                    TCP port (default 8000; 0 picks a free one)
  --host ADDR                 bind address (default 127.0.0.1)
  --keep-alive SECONDS        SSE keep-alive comment interval, 0 = off (default 30)
  --max-sessions N            concurrent client sessions (default 100)
  --max-pending N             requests in flight per session (default 100)
  --max-body-bytes N          largest request body (default 4194304)
  --session-idle SECONDS      close an idle Streamable HTTP session after this (default 3600)
  -h, --help                  show this help
`;

function intOption(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max)
    throw badRequest(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

/** Parses `translate` arguments; 'help' when usage was asked for. Throws AppError(BadRequest) on bad input. */
export function parseTranslateArgs(argv: string[]): TranslateOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        stdio: { type: 'string' },
        'expose-sse': { type: 'boolean' },
        'expose-streamable-http': { type: 'boolean' },
        port: { type: 'string' },
        host: { type: 'string' },
        'keep-alive': { type: 'string' },
        'max-sessions': { type: 'string' },
        'max-pending': { type: 'string' },
        'max-body-bytes': { type: 'string' },
        'session-idle': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw badRequest((error as Error).message);
  }
  if (values.help === true) return 'help';
  const command = values.stdio?.trim() ?? '';
  if (command === '') throw badRequest('--stdio "CMD" is required');
  const sse = values['expose-sse'] === true;
  const streamable = values['expose-streamable-http'] === true;
  const host = values.host?.trim() ?? '127.0.0.1';
  if (host === '') throw badRequest('--host must not be empty');
  return {
    command,
    exposeSse: sse || !streamable,
    exposeStreamableHttp: streamable,
    host,
    port: intOption('port', values.port, 8000, 0, 65535),
    keepAliveSeconds: intOption('keep-alive', values['keep-alive'], 30, 0, 3600),
    maxSessions: intOption('max-sessions', values['max-sessions'], 100, 1, 100_000),
    maxPendingPerSession: intOption('max-pending', values['max-pending'], 100, 1, 100_000),
    maxBodyBytes: intOption('max-body-bytes', values['max-body-bytes'], 4 * 1024 * 1024, 1024, 1024 ** 3),
    sessionIdleSeconds: intOption('session-idle', values['session-idle'], 3600, 1, 31_536_000),
  };
}
