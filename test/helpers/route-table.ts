// Builds the app over an in-memory SQLite store and renders its route table (method, path, auth) as Markdown rows.
import { buildApp } from '../../src/app.js';
import { testConfig } from '../../src/config/load.js';
import { createServices } from '../../src/services.js';
import { openStore } from '../../src/store/db.js';
import { migrateToLatest } from '../../src/store/migrate.js';

export async function renderRouteTable(): Promise<string> {
  const config = testConfig();
  const store = openStore('sqlite:///:memory:');
  await migrateToLatest(store);
  const services = createServices(config, store);
  const app = await buildApp({
    config,
    store,
    services,
    authenticate: () => Promise.reject(new Error('unused')),
    version: 'doc',
  });
  await app.ready();
  const rows = app.routeAuth
    .filter((r) => r.method !== 'HEAD' && !r.url.startsWith('/v1/'))
    .map((r) => `| ${r.method} | \`${r.url}\` | ${r.auth} |`);
  await app.close();
  await services.close();
  await store.close();
  return [...new Set(rows)].join('\n') + '\n';
}
