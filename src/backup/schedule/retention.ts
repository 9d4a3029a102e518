// Which verified backups a retention rule lets go: kept when among the newest N or younger than N days.

export interface RetentionRule {
  keepLast: number | undefined;
  keepDays: number | undefined;
}

export interface Dated {
  path: string;
  createdAt: Date;
}

const DAY_MS = 86_400_000;

/** The backups to delete; the newest one is always kept, whatever the rule says. */
export function prunable(backups: Dated[], rule: RetentionRule, now: Date): Dated[] {
  const newestFirst = [...backups].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  return newestFirst.filter((backup, index) => {
    if (index === 0) return false;
    const byCount = rule.keepLast !== undefined && index < rule.keepLast;
    const byAge =
      rule.keepDays !== undefined && now.getTime() - backup.createdAt.getTime() < rule.keepDays * DAY_MS;
    return !byCount && !byAge;
  });
}
