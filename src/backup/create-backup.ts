// createBackup: a consistent snapshot of the running database, checked, packed with its manifest into one file.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError } from '../errors/app-error.js';
import { takeSnapshot } from '../store/snapshot/database-snapshot.js';
import { checkPayloadChecksum, openArtifact, sha256OfFile, writeArtifact } from './artifact.js';
import type { Manifest } from './manifest.js';

export interface CreateBackupOptions {
  databaseUrl: string;
  cwd: string;
  /** Where the artifact goes (absolute); must not exist. */
  output: string;
  /** SecretBox.fingerprint of the running AUTH_ENCRYPTION_SECRET. */
  keyFingerprint: string;
  appVersion: string;
  /** PostgreSQL: pg_dump when true; the built-in logical dump when false; default: pg_dump when on the PATH. */
  usePgDump?: boolean;
  progress?: (line: string) => void;
  now?: () => Date;
}

export interface BackupResult {
  path: string;
  manifest: Manifest;
  durationMs: number;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** backups/mcp-2026-12-06-021500.mcpbak (UTC): sorts by time, one per second. */
export function defaultBackupName(at: Date): string {
  const date = `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`;
  return `mcp-${date}-${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}.mcpbak`;
}

export const ARTIFACT_PATTERN = /^mcp-\d{4}-\d{2}-\d{2}-\d{6}\.mcpbak$/;

export async function createBackup(opts: CreateBackupOptions): Promise<BackupResult> {
  const now = opts.now ?? (() => new Date());
  const started = Date.now();
  const say = opts.progress ?? (() => undefined);
  if (existsSync(opts.output))
    throw new AppError({
      code: 'Conflict',
      message: `${opts.output} exists already: choose another --output`,
    });
  await mkdir(dirname(opts.output), { recursive: true });
  const payloadPath = join(dirname(opts.output), `.payload-${randomBytes(4).toString('hex')}`);
  try {
    const createdAt = now().toISOString();
    say('snapshotting the database');
    const snapshot = await takeSnapshot({
      url: opts.databaseUrl,
      cwd: opts.cwd,
      dest: payloadPath,
      ...(opts.usePgDump === undefined ? {} : { usePgDump: opts.usePgDump }),
    });
    const bytes = (await stat(payloadPath)).size;
    say(`snapshot checked (${bytes} bytes); writing the artifact`);
    const manifest: Manifest = {
      format: 'mcpgateway-backup',
      formatVersion: 1,
      appVersion: opts.appVersion,
      schemaVersion: snapshot.facts.schemaVersion,
      createdAt,
      database: {
        kind: snapshot.kind,
        payload: snapshot.payload,
        ...(snapshot.schema === undefined ? {} : { schema: snapshot.schema }),
      },
      rowCounts: snapshot.facts.rowCounts,
      encryptedSecrets: snapshot.facts.encryptedSecrets,
      payload: { bytes, sha256: await sha256OfFile(payloadPath) },
      keyFingerprint: opts.keyFingerprint,
    };
    await writeArtifact(opts.output, manifest, payloadPath);
    // Read back what landed on disk: a backup is reported only once its file checks out.
    await checkPayloadChecksum(await openArtifact(opts.output));
    return { path: opts.output, manifest, durationMs: Date.now() - started };
  } finally {
    await rm(payloadPath, { force: true });
  }
}
