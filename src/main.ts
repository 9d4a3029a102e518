// Composition root: config → store (migrated) → services → buildApp → listen; close() undoes it in reverse.
import type { FastifyInstance } from 'fastify';
import { createAuthenticator } from './auth/authenticator.js';
import { createBackupScheduler } from './backup/schedule/start-backup-schedule.js';
import { buildApp } from './app.js';
import { startSessionReaper } from './cache/session-reaper.js';
import type { Config } from './config/load.js';
import { startHealthChecks } from './federation/health/start-health-checks.js';
import { explainListenError } from './http/listen-error.js';
import { newId } from './lib/ids.js';
import { createServices, type Services } from './services.js';
import { connectStore } from './store/connect-store.js';
import type { Store } from './store/db.js';
import { startInstanceMarker, type InstanceMarker } from './store/instances.js';
import { Lease } from './store/lease.js';
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
  /** Where start-up warnings about unreachable backends go; the app's log by default. */
  warn?: (message: string) => void;
}

export async function startGateway(opts: StartOptions): Promise<Gateway> {
  const { config } = opts;
  const store = await connectStore(config.databaseUrl, { poolSize: config.dbPoolSize });
  let shuttingDown = false;
  let services: Services | undefined;
  let marker: InstanceMarker | undefined;
  try {
    await migrateToLatest(store);
    // Renewed while this process runs: `mcpgateway restore` refuses while any instance's marker is fresh.
    const instanceId = newId();
    marker = await startInstanceMarker(store.db, instanceId);
    const auth = await createAuthenticator(config);
    // Bus failures (a lost Redis or LISTEN connection, a handler that threw) go to the app's log once it exists.
    let busLog: (error: unknown) => void = () => undefined;
    services = createServices(config, store, { onBusError: (error) => busLog(error) });
    const app = await buildApp({
      config,
      store,
      services,
      authenticate: (headers) => auth.authenticate(headers),
      version: APP_VERSION,
      logger: opts.logger ?? { level: config.logLevel },
      isShuttingDown: () => shuttingDown,
    });
    for (const notice of services.notices) app.log.warn(notice);
    busLog = (error) => app.log.warn({ err: error }, 'event bus: %s', (error as Error).message);
    // Not awaited: an unreachable Redis must not hold start-up, but the operator hears of it at once.
    const warn = opts.warn ?? ((message: string) => app.log.warn(message));
    services.sessions.ping().catch((error: unknown) => {
      warn(
        `${(error as Error).message}; MCP sessions fail and /ready answers 503 until it is reachable again`,
      );
    });
    await app.listen({ host: config.host, port: config.port }).catch((error: unknown) => {
      throw explainListenError(error, config.host, config.port);
    });
    // Leader-only: with several instances on one database, the `leases` row picks the one that checks.
    // Three missed renewals before another instance takes over: a slow round must not lose the lease.
    const health = startHealthChecks({
      config,
      gateways: services.registry.gateways,
      lease: new Lease({
        db: store.db,
        name: 'health-checks',
        holder: newId(),
        ttlMs: Math.max(config.healthCheckInterval * 3000, 5_000),
      }),
      http: services.http,
      stdio: services.stdio,
      oauth: services.oauth,
      federation: services.federation,
      log: { info: (m) => app.log.info(m), warn: (m) => app.log.warn(m) },
    });
    // Leader-only as well: one instance deletes session records past SESSION_TTL.
    const reaper = startSessionReaper({
      config,
      sessions: services.sessions,
      db: store.db,
      holder: instanceId,
      registry: services.prometheus.registry,
      log: (m) => app.log.warn(m),
    });
    // Leader-only as well: at each BACKUP_SCHEDULE tick one instance writes, verifies and prunes.
    const backups =
      config.backupSchedule === undefined
        ? undefined
        : createBackupScheduler({
            config,
            schedule: config.backupSchedule,
            db: store.db,
            instanceId,
            keyFingerprint: services.secrets.fingerprint,
            appVersion: APP_VERSION,
            registry: services.prometheus.registry,
            log: { info: (m) => app.log.info(m), error: (m) => app.log.error(m) },
          });
    backups?.start();
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const built = services;
    const running = marker;
    return {
      app,
      store,
      url: `http://${host}:${port}`,
      async close() {
        shuttingDown = true;
        // In-flight requests and MCP calls get SHUTDOWN_GRACE_MS to finish (new ones get 503 meanwhile); sockets
        // still open then (a client that connected and never sent a request, a stalled upload) are cut so
        // shutdown never waits on a client.
        const grace = setTimeout(() => app.server.closeAllConnections(), config.shutdownGraceMs);
        await app.close();
        clearTimeout(grace);
        await health.stop();
        await reaper.stop();
        await backups?.stop();
        await running.stop();
        await built.close();
        await store.close();
      },
    };
  } catch (error) {
    await marker?.stop();
    await services?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
}
