// `mcpgateway migrate`: applies pending migrations (the server also does this at start-up) and says which.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { connectStore } from '../store/connect-store.js';
import { migrateToLatest } from '../store/migrate.js';
import type { CliIo } from './io.js';

export async function run(argv: string[], io: CliIo): Promise<number> {
  parseArgs({ args: argv, options: {}, strict: true });
  const { config } = loadConfig({ env: io.env, cwd: io.cwd });
  const store = await connectStore(config.databaseUrl, { cwd: io.cwd });
  try {
    const { applied } = await migrateToLatest(store);
    io.stdout(
      applied.length === 0
        ? `${store.describe}: schema is up to date\n`
        : `${store.describe}: applied ${applied.join(', ')}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
