// restoreBackup: checks an artifact, refuses while a gateway runs on the target, loads it, migrates it forward
// and proves the current key decrypts a sample of its stored credentials.
import { parseDatabaseUrl } from '../store/db.js';
import { AppError } from '../errors/app-error.js';
import type { SecretBox } from '../auth/secret-box.js';
import {
  assertNoGatewayRunning,
  loadSnapshot,
  type LoadOptions,
} from '../store/snapshot/database-snapshot.js';
import { sampleSecrets } from '../store/snapshot/secret-sample.js';
import { extractPayload, payloadStream } from './artifact.js';
import type { Manifest } from './manifest.js';
import { checkArtifact } from './verify-backup.js';

export interface RestoreOptions {
  databaseUrl: string;
  cwd: string;
  secrets: Pick<SecretBox, 'fingerprint' | 'decrypt'>;
  force?: boolean;
  progress?: (line: string) => void;
  onStep?: LoadOptions['onStep'];
}

export interface RestoreResult {
  manifest: Manifest;
  warnings: string[];
  /** Stored credentials decrypted as a sample after loading. */
  decrypted: number;
}

export async function restoreBackup(path: string, opts: RestoreOptions): Promise<RestoreResult> {
  const say = opts.progress ?? (() => undefined);
  say(`checking ${path}`);
  const { artifact, manifest, warnings } = await checkArtifact(path, {
    keyFingerprint: opts.secrets.fingerprint,
    force: opts.force ?? false,
  });
  const target = parseDatabaseUrl(opts.databaseUrl, opts.cwd);
  if (target.dialect !== manifest.database.kind)
    throw new AppError({
      code: 'Invalid',
      message: `${path} is a ${manifest.database.kind} backup and DATABASE_URL names ${target.dialect}: move between the two with mcpgateway export / import`,
    });
  await assertNoGatewayRunning(opts.databaseUrl, opts.cwd);
  const keyMatches = manifest.keyFingerprint === opts.secrets.fingerprint;
  let decrypted = 0;
  await loadSnapshot({
    url: opts.databaseUrl,
    cwd: opts.cwd,
    payload: manifest.database.payload,
    facts: manifest,
    ...(manifest.database.schema === undefined ? {} : { schema: manifest.database.schema }),
    extractTo: (dest) => extractPayload(artifact, dest),
    stream: () => payloadStream(artifact),
    async check(db) {
      // Under a forced key mismatch nothing would decrypt; the warning already says so.
      if (!keyMatches) return;
      for (const secret of await sampleSecrets(db)) {
        try {
          opts.secrets.decrypt(secret.token);
          decrypted += 1;
        } catch (error) {
          throw new AppError({
            code: 'Invalid',
            message: `The credential of ${secret.table} ${secret.id} does not decrypt under this AUTH_ENCRYPTION_SECRET: ${(error as Error).message}`,
          });
        }
      }
    },
    async onStep(step) {
      say(step);
      await opts.onStep?.(step);
    },
  });
  return { manifest, warnings, decrypted };
}
