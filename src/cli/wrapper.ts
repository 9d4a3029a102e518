// `mcpgateway wrapper`: a stdio MCP server for desktop clients that relays everything to a gateway URL.
import { Writable, type Readable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { isAppError } from '../errors/app-error.js';
import { runStdioRelay } from '../bridges/wrapper/stdio-relay.js';
import { UpstreamLink } from '../bridges/wrapper/upstream-link.js';
import { parseWrapperEnv, WRAPPER_USAGE, type WrapperOptions } from '../bridges/wrapper/wrapper-options.js';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where JSON-RPC comes from; process.stdin unless a test supplies one. */
  stdin?: Readable;
}

/** Exit codes: 0 when stdin closed (the client is done), 2 for bad arguments or environment. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const log = (line: string): void => io.stderr(`wrapper: ${line}\n`);
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(WRAPPER_USAGE);
    return 0;
  }
  if (argv.length > 0) {
    io.stderr(`mcpgateway wrapper: unexpected arguments: ${argv.join(' ')}\n\n${WRAPPER_USAGE}`);
    return 2;
  }
  let options: WrapperOptions;
  try {
    options = parseWrapperEnv(io.env);
  } catch (error) {
    io.stderr(`mcpgateway wrapper: ${isAppError(error) ? error.message : String(error)}\n\n${WRAPPER_USAGE}`);
    return 2;
  }

  // stdout belongs to JSON-RPC alone: everything human goes through `log` to stderr.
  const stdout = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      io.stdout(chunk.toString());
      done();
    },
  });
  log(`forwarding stdio to ${options.url.href}`);
  await runStdioRelay({
    downstream: new StdioServerTransport(io.stdin ?? process.stdin, stdout),
    connectUpstream: (onMessage) =>
      new UpstreamLink({ url: options.url, headers: options.headers, onMessage, log }),
    requestTimeoutMs: options.requestTimeoutMs,
    log,
  });
  log('stdin closed; exiting');
  return 0;
}
