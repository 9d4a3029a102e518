#!/usr/bin/env node
// mcpgateway entry point: picks the subcommand, runs it with real I/O, maps errors to a message and exit code.
import { isAppError } from '../errors/app-error.js';
import { APP_VERSION } from '../version.js';
import type { CliIo } from './io.js';

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS = new Map<string, () => Promise<Command>>([
  ['serve', async () => (await import('./serve.js')).run],
  ['token', async () => (await import('./token.js')).run],
  ['migrate', async () => (await import('./migrate.js')).run],
  ['--validate-config', async () => (await import('./validate-config.js')).run],
  ['translate', async () => (await import('./translate.js')).run],
  ['wrapper', async () => (await import('./wrapper.js')).run],
  ['export', async () => (await import('./export.js')).run],
  ['import', async () => (await import('./import.js')).run],
  ['backup', async () => (await import('./backup.js')).run],
  ['restore', async () => (await import('./restore.js')).run],
  ['verify', async () => (await import('./verify.js')).run],
  ['sessions', async () => (await import('./sessions.js')).run],
]);

const USAGE = `usage: mcpgateway [serve] [--host H] [--port P]
       mcpgateway token --username EMAIL [--exp MINUTES] [--secret KEY] [--admin]
       mcpgateway migrate
       mcpgateway --validate-config
       mcpgateway translate --stdio "CMD" [--expose-sse] [--expose-streamable-http] [--port N]
       mcpgateway export [--output FILE] [--types T,..] [--include-inactive] [--secrets key|passphrase|omitted]
       mcpgateway import FILE [--conflict-strategy skip|update|rename|fail] [--dry-run] [--source-secret S] [--continue-on-error]
       mcpgateway wrapper        (stdio MCP server forwarding to MCP_SERVER_URL with MCP_AUTH)
       mcpgateway --version
       mcpgateway backup [--output FILE] [--json] | backup list [--json]
       mcpgateway restore FILE [--force]
       mcpgateway verify FILE [--json]
       mcpgateway sessions list [--json] | sessions purge (--older-than DURATION | --all)
`;

/** node:util parseArgs rejects an unknown option or a missing value with a TypeError carrying one of these codes. */
const isUsageError = (error: unknown): error is Error =>
  error instanceof Error && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_');

async function main(argv: string[]): Promise<number> {
  const io: CliIo = {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    env: process.env,
    cwd: process.cwd(),
  };
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (first === '--version' || first === '-V') {
    io.stdout(`mcpgateway ${APP_VERSION}\n`);
    return 0;
  }
  // No subcommand (or only serve flags) means serve, as `mcpgateway --port 4444` does in ContextForge.
  const named = first !== undefined && COMMANDS.has(first);
  const load = named
    ? COMMANDS.get(first)
    : first === undefined || first.startsWith('--')
      ? COMMANDS.get('serve')
      : undefined;
  if (load === undefined) {
    io.stderr(`mcpgateway: unknown command "${first}"\n${USAGE}`);
    return 2;
  }
  const command = await load();
  return command(named ? rest : argv, io);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (isUsageError(error)) {
      process.stderr.write(`mcpgateway: ${error.message}\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(
      `mcpgateway: ${isAppError(error) ? error.message : String((error as Error)?.stack ?? error)}\n`,
    );
    process.exitCode = 1;
  },
);
