// `mcpgateway --validate-config`: parses the configuration and reports problems without starting anything.
import { loadConfig } from '../config/load.js';
import { parseDatabaseUrl } from '../store/db.js';
import type { CliIo } from './io.js';

export function run(_argv: string[], io: CliIo): Promise<number> {
  const { config, warnings } = loadConfig({ env: io.env, cwd: io.cwd });
  parseDatabaseUrl(config.databaseUrl, io.cwd);
  for (const warning of warnings) io.stderr(`warning: ${warning}\n`);
  io.stdout('configuration is valid\n');
  return Promise.resolve(0);
}
