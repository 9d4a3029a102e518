// A five-field cron expression (minute hour day-of-month month day-of-week, UTC) and its next firing time.
// Supports *, lists (1,15), ranges (1-5), steps (*/15, 0-30/10) and @hourly/@daily/@weekly/@monthly.

export interface CronSchedule {
  readonly expression: string;
  /** The first firing time strictly after `after`, to the minute. */
  next(after: Date): Date;
}

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

const ALIASES = new Map([
  ['@hourly', '0 * * * *'],
  ['@daily', '0 0 * * *'],
  ['@midnight', '0 0 * * *'],
  ['@weekly', '0 0 * * 0'],
  ['@monthly', '0 0 1 * *'],
]);

function parseField(text: string, field: (typeof FIELDS)[number]): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (match === null) throw new Error(`${field.name} "${part}" is not a number, range, list or step`);
    const [, range, from, to, step] = match;
    const low = range === '*' ? field.min : Number(from);
    const high =
      range === '*' ? field.max : to !== undefined ? Number(to) : step !== undefined ? field.max : low;
    const by = step === undefined ? 1 : Number(step);
    if (low < field.min || high > field.max || low > high || by < 1)
      throw new Error(`${field.name} "${part}" is outside ${field.min}-${field.max}`);
    for (let v = low; v <= high; v += by) values.add(v);
  }
  return values;
}

/** Parses `expression`; throws an Error saying which field is wrong. */
export function parseCron(expression: string): CronSchedule {
  const text = ALIASES.get(expression.trim()) ?? expression.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5)
    throw new Error(`"${expression}" needs five fields (minute hour day month weekday)`);
  const [minutes, hours, days, months, weekdays] = FIELDS.map((f, i) => parseField(parts[i] ?? '', f)) as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  if (weekdays.has(7)) weekdays.add(0);
  // Standard cron: when both day fields are restricted, a day matching either fires.
  const anyDay = parts[2] === '*';
  const anyWeekday = parts[4] === '*';
  const dayMatches = (d: Date): boolean => {
    const byDate = days.has(d.getUTCDate());
    const byWeekday = weekdays.has(d.getUTCDay());
    if (anyDay) return byWeekday;
    if (anyWeekday) return byDate;
    return byDate || byWeekday;
  };
  return {
    expression,
    next(after) {
      const t = new Date(after.getTime());
      t.setUTCSeconds(0, 0);
      t.setUTCMinutes(t.getUTCMinutes() + 1);
      // Five years of minutes bounds the search (an impossible date such as 31 February never fires).
      for (let i = 0; i < 5 * 366 * 24 * 60; i += 1) {
        if (!months.has(t.getUTCMonth() + 1) || !dayMatches(t)) {
          t.setUTCDate(t.getUTCDate() + 1);
          t.setUTCHours(0, 0);
          continue;
        }
        if (!hours.has(t.getUTCHours())) {
          t.setUTCHours(t.getUTCHours() + 1, 0);
          continue;
        }
        if (minutes.has(t.getUTCMinutes())) return t;
        t.setUTCMinutes(t.getUTCMinutes() + 1);
      }
      throw new Error(`cron "${expression}" never fires`);
    },
  };
}
