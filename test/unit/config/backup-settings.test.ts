// BACKUP_SCHEDULE and BACKUP_RETENTION are parsed once at start; a bad value names the variable.
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../../src/config/load.js';

describe('backup settings', () => {
  it('are off by default and keep the last 7', () => {
    const config = testConfig();
    expect(config.backupSchedule).toBeUndefined();
    expect(config.backupRetention).toEqual({ keepLast: 7, keepDays: undefined });
    expect(config.backupDir).toBe('./backups');
  });

  it('parse a cron schedule and a retention of count and days', () => {
    const config = testConfig({ BACKUP_SCHEDULE: '0 3 * * *', BACKUP_RETENTION: '14, 30d' });
    expect(config.backupSchedule?.next(new Date('2030-01-01T00:00:00Z')).toISOString()).toBe(
      '2030-01-01T03:00:00.000Z',
    );
    expect(config.backupRetention).toEqual({ keepLast: 14, keepDays: 30 });
  });

  it('refuse a bad schedule or retention, naming the variable', () => {
    expect(() => testConfig({ BACKUP_SCHEDULE: '0 25 * * *' })).toThrow(
      'BACKUP_SCHEDULE="0 25 * * *": hour "25"',
    );
    expect(() => testConfig({ BACKUP_RETENTION: 'forever' })).toThrow(
      'BACKUP_RETENTION="forever": must be N',
    );
  });
});
