// `mcpgateway translate`: serves one stdio MCP server over SSE and/or Streamable HTTP until a signal or the child's death.
import { isAppError } from '../errors/app-error.js';
import { startTranslate, type TranslateHandle } from '../bridges/translate/start-translate.js';
import {
  parseTranslateArgs,
  TRANSLATE_USAGE,
  type TranslateOptions,
} from '../bridges/translate/translate-options.js';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** `argv` is what follows `translate`. Exit codes: 0 stopped by a signal, 1 start failure or child died, 2 usage. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const log = (line: string): void => io.stderr(`translate: ${line}\n`);
  let options: TranslateOptions | 'help';
  try {
    options = parseTranslateArgs(argv);
  } catch (error) {
    io.stderr(`mcpgateway translate: ${(error as Error).message}\n\n${TRANSLATE_USAGE}`);
    return 2;
  }
  if (options === 'help') {
    io.stdout(TRANSLATE_USAGE);
    return 0;
  }

  let handle: TranslateHandle;
  try {
    handle = await startTranslate(options, { cwd: io.cwd, env: io.env, log, onChildStderr: io.stderr });
  } catch (error) {
    log(isAppError(error) ? error.message : String(error));
    return 1;
  }

  const endpoints = [
    options.exposeSse ? `SSE ${handle.url}/sse` : undefined,
    options.exposeStreamableHttp ? `Streamable HTTP ${handle.url}/mcp` : undefined,
  ].filter((e) => e !== undefined);
  log(`stdio server pid ${handle.childPid}: ${options.command}`);
  log(`listening: ${endpoints.join(', ')}`);

  const stop = (): void => void handle.stop();
  // If this process dies by any other route, the child's group must not outlive it.
  const lastResort = (): void => handle.killNow();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('exit', lastResort);
  try {
    return await handle.done;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    process.off('exit', lastResort);
  }
}
