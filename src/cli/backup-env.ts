// What backup, restore and verify share: the config, the key fingerprint and the backup directory.
import { resolve } from 'node:path';
import { createSecretBox, type SecretBox } from '../auth/secret-box.js';
import { loadConfig, type Config } from '../config/load.js';
import type { CliIo } from './io.js';

export interface BackupEnv {
  config: Config;
  secrets: SecretBox;
  backupDir: string;
}

export function loadBackupEnv(io: CliIo): BackupEnv {
  const { config, generated } = loadConfig({ env: io.env, cwd: io.cwd });
  if (generated.includes('AUTH_ENCRYPTION_SECRET'))
    io.stderr(
      'mcpgateway: warning: AUTH_ENCRYPTION_SECRET is not set (nor in .env): using a random key, which matches ' +
        'no gateway; set it to the secret of the gateway whose database this is\n',
    );
  return {
    config,
    secrets: createSecretBox(config.authEncryptionSecret ?? ''),
    backupDir: resolve(io.cwd, config.backupDir),
  };
}
