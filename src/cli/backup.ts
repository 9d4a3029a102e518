// `mcpgateway backup [--output FILE] [--json]` (an online snapshot of DATABASE_URL) and `backup list [--json]`.
import { resolve, join } from 'node:path';
import { parseArgs } from 'node:util';
import { createBackup, defaultBackupName } from '../backup/create-backup.js';
import { listBackups } from '../backup/list-backups.js';
import { describeManifest } from '../backup/manifest.js';
import { APP_VERSION } from '../version.js';
import { loadBackupEnv } from './backup-env.js';
import type { CliIo } from './io.js';

export async function run(argv: string[], io: CliIo): Promise<number> {
  if (argv[0] === 'list') return list(argv.slice(1), io);
  const { values } = parseArgs({
    args: argv,
    options: { output: { type: 'string', short: 'o' }, json: { type: 'boolean' } },
    strict: true,
  });
  const { config, secrets, backupDir } = loadBackupEnv(io);
  const output =
    values.output === undefined
      ? join(backupDir, defaultBackupName(new Date()))
      : resolve(io.cwd, values.output);
  const result = await createBackup({
    databaseUrl: config.databaseUrl,
    cwd: io.cwd,
    output,
    keyFingerprint: secrets.fingerprint,
    appVersion: APP_VERSION,
    progress: (line) => io.stderr(`mcpgateway backup: ${line}\n`),
  });
  const { manifest } = result;
  io.stderr(
    `mcpgateway backup: wrote ${result.path} (${manifest.payload.bytes} bytes, ${result.durationMs} ms), verified\n`,
  );
  io.stdout(
    values.json === true
      ? `${JSON.stringify({ path: result.path, ...manifest }, null, 2)}\n`
      : `${result.path}\n`,
  );
  return 0;
}

async function list(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, strict: true });
  const { backupDir } = loadBackupEnv(io);
  const backups = await listBackups(backupDir);
  if (values.json === true) {
    io.stdout(`${JSON.stringify(backups, null, 2)}\n`);
    return 0;
  }
  if (backups.length === 0) io.stdout(`no backups in ${backupDir}\n`);
  for (const b of backups) {
    io.stdout(`${b.path} (${b.bytes} bytes)\n`);
    const detail = b.manifest === undefined ? `unreadable: ${b.problem ?? ''}` : describeManifest(b.manifest);
    io.stdout(`${detail.replace(/^/gm, '  ')}\n`);
  }
  return 0;
}
