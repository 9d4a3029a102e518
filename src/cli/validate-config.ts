// `mcpgateway --validate-config`: parses the configuration exactly as serving does and reports problems without starting anything.
import { parseArgs } from 'node:util';
import { createAuthenticator } from '../auth/authenticator.js';
import { loadConfig } from '../config/load.js';
import { createSsrfGuard } from '../runtime/ssrf-guard.js';
import { parseDatabaseUrl } from '../store/db.js';
import type { CliIo } from './io.js';

export async function run(argv: string[], io: CliIo): Promise<number> {
  parseArgs({ args: argv, options: {}, strict: true });
  const { config, warnings } = loadConfig({ env: io.env, cwd: io.cwd });
  // The same derived values start-up builds before it opens anything: database URL, SSRF networks, JWT keys.
  parseDatabaseUrl(config.databaseUrl, io.cwd);
  createSsrfGuard(config);
  await createAuthenticator(config);
  for (const warning of warnings) io.stderr(`warning: ${warning}\n`);
  io.stdout('configuration is valid\n');
  return 0;
}
