// Prometheus series of scheduled backups run by this instance, registered on the gateway's own registry.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface BackupMetrics {
  succeeded(at: Date, seconds: number, bytes: number): void;
  failed(seconds: number): void;
}

export function createBackupMetrics(registry: Registry): BackupMetrics {
  const registers = [registry];
  const lastSuccess = new Gauge({
    name: 'mcpgateway_backup_last_success_timestamp_seconds',
    help: 'Unix time of the last scheduled backup that was written and verified',
    registers,
  });
  const duration = new Gauge({
    name: 'mcpgateway_backup_last_duration_seconds',
    help: 'How long the last scheduled backup run took, successful or not',
    registers,
  });
  const bytes = new Gauge({
    name: 'mcpgateway_backup_last_size_bytes',
    help: 'Payload size of the last verified scheduled backup',
    registers,
  });
  const runs = new Counter({
    name: 'mcpgateway_backup_runs_total',
    help: 'Scheduled backup runs by outcome (success, failure)',
    labelNames: ['outcome'],
    registers,
  });
  return {
    succeeded(at, seconds, size) {
      lastSuccess.set(at.getTime() / 1000);
      duration.set(seconds);
      bytes.set(size);
      runs.labels('success').inc();
    },
    failed(seconds) {
      duration.set(seconds);
      runs.labels('failure').inc();
    },
  };
}
