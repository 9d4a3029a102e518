// Vitest global setup: one fresh PostgreSQL database per run, and the line naming skipped backend suites.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_HOST = '127.0.0.1';
const REDIS_PORT = 6379;

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const required = process.env.MCPGATEWAY_REQUIRE_BACKENDS === '1';
  const skipped: string[] = [];
  let dbName: string | undefined;

  const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    dbName = `mcpgw_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
    await admin.query(`create database ${dbName}`);
    project.provide('pgUrl', PG_ADMIN_URL.replace(/\/[^/]*$/, `/${dbName}`));
    project.provide('pgAdminUrl', PG_ADMIN_URL);
  } catch (error) {
    if (required)
      throw new Error(
        `PostgreSQL is required (MCPGATEWAY_REQUIRE_BACKENDS=1) but unreachable: ${String(error)}`,
      );
    skipped.push('PostgreSQL');
    project.provide('pgUrl', '');
    project.provide('pgAdminUrl', '');
  } finally {
    await admin.end().catch(() => undefined);
  }

  const redisUp = await portOpen(REDIS_HOST, REDIS_PORT);
  if (!redisUp && required)
    throw new Error('Redis is required (MCPGATEWAY_REQUIRE_BACKENDS=1) but 127.0.0.1:6379 is unreachable');
  if (!redisUp) skipped.push('Redis');
  project.provide('redisUrl', redisUp ? `redis://${REDIS_HOST}:${REDIS_PORT}/0` : '');

  if (skipped.length > 0)
    console.log(
      `skipped backend suites: ${skipped.join(', ')} unreachable (set MCPGATEWAY_REQUIRE_BACKENDS=1 to fail instead)`,
    );

  return async () => {
    if (dbName === undefined) return;
    const cleanup = new pg.Client({ connectionString: PG_ADMIN_URL });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${dbName} with (force)`);
    await cleanup.end();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
    pgAdminUrl: string;
    redisUrl: string;
  }
}
