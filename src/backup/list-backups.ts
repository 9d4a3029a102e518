// listBackups: the artifacts in BACKUP_DIR, newest first, each with its manifest (or why it cannot be read).
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isAppError } from '../errors/app-error.js';
import { openArtifact } from './artifact.js';
import type { Manifest } from './manifest.js';

export interface ListedBackup {
  file: string;
  path: string;
  bytes: number;
  /** Absent when the header or manifest cannot be read (then `problem` says why). */
  manifest?: Manifest;
  problem?: string;
}

const ARTIFACT_SUFFIX = '.mcpbak';

export async function listBackups(dir: string): Promise<ListedBackup[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const listed: ListedBackup[] = [];
  for (const file of names
    .filter((n) => n.endsWith(ARTIFACT_SUFFIX))
    .sort()
    .reverse()) {
    const path = join(dir, file);
    const bytes = (await stat(path)).size;
    try {
      listed.push({ file, path, bytes, manifest: (await openArtifact(path)).manifest });
    } catch (error) {
      listed.push({ file, path, bytes, problem: isAppError(error) ? error.message : String(error) });
    }
  }
  return listed;
}
