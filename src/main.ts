// Composition root: config → store (migrated) → services → buildApp → listen; close() undoes it in reverse.
import type { FastifyInstance } from 'fastify';
import { createAuthenticator } from './auth/authenticator.js';
import { createSecretBox } from './auth/secret-box.js';
import { buildApp } from './app.js';
import type { Config } from './config/load.js';
import { createTemplateRenderer } from './registry/prompts/template/renderer.js';
import { createRegistry } from './registry/registry.js';
import { openStore, type Store } from './store/db.js';
import { migrateToLatest } from './store/migrate.js';
import { APP_VERSION } from './version.js';

export interface Gateway {
  app: FastifyInstance;
  store: Store;
  /** The address it listens on, e.g. http://127.0.0.1:4444. */
  url: string;
  /** Stops accepting, finishes in-flight requests, closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  /** Fastify/pino logger options; false for silence. */
  logger?: boolean | { level: string };
}

export async function startGateway(opts: StartOptions): Promise<Gateway> {
  const { config } = opts;
  const store = openStore(config.databaseUrl, { poolSize: config.dbPoolSize });
  let shuttingDown = false;
  const renderer = createTemplateRenderer({
    timeoutMs: config.promptRenderTimeoutMs,
    maxOutputBytes: config.promptMaxOutputBytes,
  });
  try {
    await migrateToLatest(store);
    const secrets = createSecretBox(config.authEncryptionSecret ?? '');
    const auth = await createAuthenticator(config);
    const registry = createRegistry({ store, secrets, renderer });
    const app = await buildApp({
      config,
      store,
      registry,
      authenticate: (headers) => auth.authenticate(headers),
      version: APP_VERSION,
      logger: opts.logger ?? { level: config.logLevel },
      isShuttingDown: () => shuttingDown,
    });
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return {
      app,
      store,
      url: `http://${host}:${port}`,
      async close() {
        shuttingDown = true;
        await app.close();
        await renderer.close();
        await store.close();
      },
    };
  } catch (error) {
    await renderer.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
}
