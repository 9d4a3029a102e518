// `mcpgateway restore FILE [--force]`: replaces DATABASE_URL's data with a backup (no gateway may be running on it).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { restoreBackup } from '../backup/restore-backup.js';
import { redactUrl } from '../store/db.js';
import { loadBackupEnv } from './backup-env.js';
import type { CliIo } from './io.js';

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { force: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) {
    io.stderr('usage: mcpgateway restore FILE [--force]\n');
    return 2;
  }
  const { config, secrets } = loadBackupEnv(io);
  const path = resolve(io.cwd, positionals[0] ?? '');
  const result = await restoreBackup(path, {
    databaseUrl: config.databaseUrl,
    cwd: io.cwd,
    secrets,
    force: values.force ?? false,
    progress: (line) => io.stderr(`mcpgateway restore: ${line}\n`),
  });
  for (const warning of result.warnings) io.stderr(`mcpgateway restore: warning: ${warning}\n`);
  const rows = Object.values(result.manifest.rowCounts).reduce((a, b) => a + b, 0);
  io.stdout(
    `restored ${path} (${result.manifest.createdAt}, ${rows} rows) into ${redactUrl(config.databaseUrl)}; ` +
      `row counts match, ${result.decrypted} sampled credentials decrypt\n`,
  );
  return 0;
}
