// Backup tests' shared steps: fresh restore targets on each backend, a gateway app over any database URL,
// registrations written the way a client writes them, and artifacts altered on purpose.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { buildApp } from '../../src/app.js';
import { extractPayload, openArtifact, writeArtifact } from '../../src/backup/artifact.js';
import type { Manifest } from '../../src/backup/manifest.js';
import { testConfig } from '../../src/config/load.js';
import { createServices } from '../../src/services.js';
import { openStore } from '../../src/store/db.js';
import type { Backend } from './backends.js';

export const TEST_SECRET = 'test-encryption-secret';

/** A REST tool with a credential, so every registration stores one encrypted secret. */
export const securedTool = (name: string) => ({
  name,
  url: 'https://api.example.com/items',
  request_type: 'GET',
  auth: { auth_type: 'bearer', token: `token-of-${name}` },
});

export interface Target {
  url: string;
  dispose(): Promise<void>;
}

/**
 * An empty database to restore into: a new SQLite file, or a new PostgreSQL database whose search_path names
 * `schema` (a PostgreSQL backup recreates its schema under the same name).
 */
export async function freshTarget(backend: Backend, schema = 'public'): Promise<Target> {
  if (backend.name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'mcpgw-restore-'));
    return {
      url: `sqlite:///${join(dir, 'restored.db')}`,
      dispose: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    };
  }
  const admin = inject('pgAdminUrl');
  const name = `mcpgw_restore_${randomBytes(5).toString('hex')}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(statement);
    await client.end();
  };
  await run(`create database ${name}`);
  const base = admin.replace(/\/[^/]*$/, `/${name}`);
  return {
    url: `${base}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    dispose: () => run(`drop database if exists ${name} with (force)`),
  };
}

export interface Served {
  get(url: string): Promise<{ statusCode: number; json(): unknown }>;
  post(url: string, body: object): Promise<{ statusCode: number; json(): unknown }>;
  close(): Promise<void>;
}

/** The gateway app (as `mcpgateway serve` builds it) over an existing database, answering inject() as an admin. */
export async function serveOn(url: string): Promise<Served> {
  const config = testConfig({ DATABASE_URL: url, AUTH_REQUIRED: 'false' });
  const store = openStore(url, { poolSize: 2 });
  const services = createServices(config, store);
  const auth = await createAuthenticator(config);
  const app = await buildApp({
    config,
    store,
    services,
    authenticate: (headers) => auth.authenticate(headers),
    version: 'test',
  });
  await app.ready();
  return {
    get: (path) => app.inject({ method: 'GET', url: path }),
    post: (path, body) => app.inject({ method: 'POST', url: path, payload: body }),
    async close() {
      await app.close();
      await services.close();
      await store.close();
    },
  };
}

/** Tools a gateway on `url` lists, read through a connection of its own (a restore replaces SQLite files). */
export async function toolNames(url: string): Promise<string[]> {
  const gateway = await serveOn(url);
  try {
    return ((await gateway.get('/tools')).json() as Array<{ name: string }>).map((t) => t.name);
  } finally {
    await gateway.close();
  }
}

/** Registers a tool through a gateway on `url`, then closes it. */
export async function registerTool(url: string, name: string): Promise<void> {
  const gateway = await serveOn(url);
  try {
    const res = await gateway.post('/tools', securedTool(name));
    if (res.statusCode !== 201) throw new Error(`POST /tools answered ${res.statusCode}`);
  } finally {
    await gateway.close();
  }
}

/** A copy of the artifact at `from` whose manifest is changed by `edit` (payload and checksum kept). */
export async function withEditedManifest(
  from: string,
  to: string,
  edit: (m: Manifest) => Manifest,
): Promise<void> {
  const artifact = await openArtifact(from);
  const payload = `${to}.payload`;
  await extractPayload(artifact, payload);
  await writeArtifact(to, edit(artifact.manifest), payload);
  await rm(payload);
}
