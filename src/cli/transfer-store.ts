// Opens the database named by DATABASE_URL (migrated) with the services export and import need, for the CLI.
import { ANONYMOUS_ADMIN, type Principal } from '../auth/principal.js';
import { loadConfig } from '../config/load.js';
import { createServices, type Services } from '../services.js';
import { openStore } from '../store/db.js';
import { migrateToLatest } from '../store/migrate.js';
import type { CliIo } from './io.js';

/** The CLI acts as the operator on the machine: an admin named after the OS user. */
export const cliPrincipal = (io: CliIo): Principal => ({
  ...ANONYMOUS_ADMIN,
  subject: `cli:${io.env.USER ?? 'operator'}`,
});

export async function withServices<T>(io: CliIo, work: (services: Services) => Promise<T>): Promise<T> {
  const { config } = loadConfig({ env: io.env, cwd: io.cwd });
  const store = openStore(config.databaseUrl);
  try {
    await migrateToLatest(store);
    const services = createServices(config, store);
    try {
      return await work(services);
    } finally {
      await services.close();
    }
  } finally {
    await store.close();
  }
}
