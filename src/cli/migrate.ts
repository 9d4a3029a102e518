// `mcpgateway migrate`: applies pending migrations (the server also does this at start-up) and says which.
import { loadConfig } from '../config/load.js';
import { openStore } from '../store/db.js';
import { migrateToLatest } from '../store/migrate.js';
import type { CliIo } from './io.js';

export async function run(_argv: string[], io: CliIo): Promise<number> {
  const { config } = loadConfig({ env: io.env, cwd: io.cwd });
  const store = openStore(config.databaseUrl);
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
