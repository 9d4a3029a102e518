// verifyBackup: every check a restore makes, without writing any database.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../errors/app-error.js';
import { knownMigrationNames } from '../store/migrate.js';
import { checkPayload } from '../store/snapshot/database-snapshot.js';
import {
  checkPayloadChecksum,
  extractPayload,
  openArtifact,
  payloadStream,
  type OpenedArtifact,
} from './artifact.js';
import type { Manifest } from './manifest.js';

export interface VerifyOptions {
  /** SecretBox.fingerprint of the AUTH_ENCRYPTION_SECRET the restored data will be read with. */
  keyFingerprint: string;
  /** Accept a key mismatch (the credentials named in the warning will not decrypt). */
  force?: boolean;
  /** Where a SQLite payload is extracted to be checked (default: the system temp directory). */
  scratchDir?: string;
}

export interface Verified {
  artifact: OpenedArtifact;
  manifest: Manifest;
  /** What the operator must know though the artifact is usable (a forced key mismatch). */
  warnings: string[];
}

/** Header, size, checksum, schema version and key: the checks that need no payload parsing. */
export async function checkArtifact(path: string, opts: VerifyOptions): Promise<Verified> {
  const artifact = await openArtifact(path);
  const { manifest } = artifact;
  await checkPayloadChecksum(artifact);
  const known = knownMigrationNames();
  if (!known.includes(manifest.schemaVersion))
    throw new AppError({
      code: 'Invalid',
      message:
        `${path} holds schema ${manifest.schemaVersion}, newer than this mcpgateway knows ` +
        `(up to ${known.at(-1) ?? 'none'}): restore it with mcpgateway ${manifest.appVersion} or later`,
    });
  const warnings: string[] = [];
  if (manifest.keyFingerprint !== opts.keyFingerprint) {
    const { tools, gateways } = manifest.encryptedSecrets;
    const what = `${tools + gateways} stored credentials (${tools} tools, ${gateways} gateways) will not decrypt`;
    const message =
      `${path} was made under another AUTH_ENCRYPTION_SECRET (fingerprint ${manifest.keyFingerprint}, ` +
      `this one ${opts.keyFingerprint}): ${what}`;
    if (opts.force !== true)
      throw new AppError({
        code: 'Invalid',
        message: `${message}. Set AUTH_ENCRYPTION_SECRET to the secret of the backup, or pass --force and re-enter them`,
      });
    warnings.push(`${message}; re-enter them after the restore`);
  }
  return { artifact, manifest, warnings };
}

/** checkArtifact plus a full read of the payload (integrity check / archive listing / row counts). */
export async function verifyBackup(path: string, opts: VerifyOptions): Promise<Verified> {
  const verified = await checkArtifact(path, opts);
  const { artifact, manifest } = verified;
  const facts = manifest;
  if (manifest.database.payload !== 'sqlite') {
    await checkPayload(manifest.database.payload, facts, { stream: () => payloadStream(artifact) });
    return verified;
  }
  const scratch = join(opts.scratchDir ?? tmpdir(), `mcpgw-verify-${randomBytes(4).toString('hex')}.db`);
  try {
    await extractPayload(artifact, scratch);
    await checkPayload('sqlite', facts, { extracted: scratch, stream: () => payloadStream(artifact) });
  } finally {
    await rm(scratch, { force: true });
  }
  return verified;
}
