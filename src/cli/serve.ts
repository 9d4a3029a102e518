// `mcpgateway [serve] [--host H] [--port P]`: runs the gateway until SIGTERM/SIGINT, then shuts down cleanly.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { startGateway } from '../main.js';
import type { CliIo } from './io.js';

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { host: { type: 'string' }, port: { type: 'string' } },
    strict: true,
  });
  const env = {
    ...io.env,
    ...(values.host ? { HOST: values.host } : {}),
    ...(values.port ? { PORT: values.port } : {}),
  };
  const { config, warnings } = loadConfig({ env, cwd: io.cwd, persistGeneratedSecrets: true });
  for (const warning of warnings) io.stderr(`mcpgateway: warning: ${warning}\n`);
  const gateway = await startGateway({
    config,
    warn: (message) => io.stderr(`mcpgateway: warning: ${message}\n`),
  });
  io.stderr(`mcpgateway: listening on ${gateway.url} (database: ${gateway.store.describe})\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      io.stderr(`mcpgateway: ${signal} received, finishing in-flight requests\n`);
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      gateway.close().then(resolve, (error: unknown) => {
        io.stderr(`mcpgateway: error during shutdown: ${String(error)}\n`);
        resolve();
      });
    };
    const onTerm = (): void => stop('SIGTERM');
    const onInt = (): void => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
  // Anything still holding the event loop open (a stuck upstream socket) must not keep a stopped gateway alive.
  setTimeout(() => process.exit(0), 5000).unref();
  return 0;
}
