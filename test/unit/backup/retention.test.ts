// Retention: which backups a rule lets go (kept when among the newest N or younger than N days; never the newest).
import { describe, expect, it } from 'vitest';
import { prunable } from '../../../src/backup/schedule/retention.js';

const now = new Date('2030-01-10T00:00:00Z');
const daily = Array.from({ length: 10 }, (_, i) => ({
  path: `day-${i}`,
  createdAt: new Date(now.getTime() - i * 86_400_000 - 1000),
}));
const pruned = (rule: { keepLast?: number; keepDays?: number }) =>
  prunable(daily, { keepLast: rule.keepLast, keepDays: rule.keepDays }, now).map((b) => b.path);

describe('retention', () => {
  it('keeps the newest N', () => {
    expect(pruned({ keepLast: 7 })).toEqual(['day-7', 'day-8', 'day-9']);
  });
  it('keeps those younger than N days', () => {
    expect(pruned({ keepDays: 3 })).toEqual(['day-3', 'day-4', 'day-5', 'day-6', 'day-7', 'day-8', 'day-9']);
  });
  it('keeps a backup either rule keeps', () => {
    expect(pruned({ keepLast: 2, keepDays: 5 })).toEqual(['day-5', 'day-6', 'day-7', 'day-8', 'day-9']);
  });
  it('never prunes the newest one', () => {
    expect(pruned({ keepLast: 0 })).not.toContain('day-0');
  });
});
