// `mcpgateway verify FILE [--json]`: every check of a restore, writing nothing; prints the manifest.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeManifest } from '../backup/manifest.js';
import { verifyBackup } from '../backup/verify-backup.js';
import { loadBackupEnv } from './backup-env.js';
import type { CliIo } from './io.js';

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, force: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) {
    io.stderr('usage: mcpgateway verify FILE [--json] [--force]\n');
    return 2;
  }
  const { secrets } = loadBackupEnv(io);
  const path = resolve(io.cwd, positionals[0] ?? '');
  const { manifest, warnings } = await verifyBackup(path, {
    keyFingerprint: secrets.fingerprint,
    force: values.force ?? false,
  });
  for (const warning of warnings) io.stderr(`mcpgateway verify: warning: ${warning}\n`);
  io.stdout(
    values.json === true
      ? `${JSON.stringify(manifest, null, 2)}\n`
      : `${path}: ok\n${describeManifest(manifest)}\n`,
  );
  return 0;
}
