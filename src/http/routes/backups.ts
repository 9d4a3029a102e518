// GET /admin/backups: the artifacts in BACKUP_DIR with their manifests, and the schedule that writes them (admin).
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { listBackups } from '../../backup/list-backups.js';
import type { Config } from '../../config/load.js';

export function backupRoutes(
  app: FastifyInstance,
  deps: { config: Pick<Config, 'backupDir' | 'backupSchedule' | 'backupRetention'> },
): void {
  app.get('/admin/backups', { config: { auth: 'admin' } }, async () => {
    const directory = resolve(deps.config.backupDir);
    return {
      directory,
      schedule: deps.config.backupSchedule?.expression ?? null,
      retention: deps.config.backupRetention,
      backups: await listBackups(directory),
    };
  });
}
