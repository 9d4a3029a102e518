// parseCron: the next firing time of five-field expressions (UTC), and errors that name the bad field.
import { describe, expect, it } from 'vitest';
import { parseCron } from '../../../src/lib/cron.js';

const next = (expression: string, after: string) => parseCron(expression).next(new Date(after)).toISOString();

describe('parseCron', () => {
  it('finds the next minute matching every field', () => {
    expect(next('0 3 * * *', '2030-01-01T00:00:00Z')).toBe('2030-01-01T03:00:00.000Z');
    expect(next('0 3 * * *', '2030-01-01T03:00:00Z')).toBe('2030-01-02T03:00:00.000Z');
    expect(next('*/15 * * * *', '2030-01-01T00:07:30Z')).toBe('2030-01-01T00:15:00.000Z');
    expect(next('30 2 1 * *', '2030-01-15T00:00:00Z')).toBe('2030-02-01T02:30:00.000Z');
    expect(next('0 0 * * 1-5', '2030-01-04T12:00:00Z')).toBe('2030-01-07T00:00:00.000Z'); // Friday → Monday
    expect(next('0 0 * * 7', '2030-01-01T00:00:00Z')).toBe('2030-01-06T00:00:00.000Z'); // 7 is Sunday
    expect(next('0 12 29 2 *', '2030-01-01T00:00:00Z')).toBe('2032-02-29T12:00:00.000Z');
    expect(next('@daily', '2030-01-01T10:00:00Z')).toBe('2030-01-02T00:00:00.000Z');
    expect(next('0,30 9-10 * * *', '2030-01-01T09:45:00Z')).toBe('2030-01-01T10:00:00.000Z');
  });

  it('fires on either day field when both are restricted, as cron does', () => {
    expect(next('0 0 13 * 5', '2030-01-01T00:00:00Z')).toBe('2030-01-04T00:00:00.000Z');
  });

  it('says which field is wrong', () => {
    expect(() => parseCron('61 * * * *')).toThrow('minute "61" is outside 0-59');
    expect(() => parseCron('* * * *')).toThrow('needs five fields');
    expect(() => parseCron('0 x * * *')).toThrow('hour "x" is not a number');
    expect(() => parseCron('0 0 31 2 *').next(new Date('2030-01-01T00:00:00Z'))).toThrow('never fires');
  });
});
