import { describe, expect, it } from 'vitest';
import { parseTimestamptz } from '../../src/platform/db/read-rows.js';

/** Issue 14: hot reads parse PostgreSQL's timestamptz text themselves; they must agree with `new Date`. */
describe('parseTimestamptz', () => {
  const cases = [
    '2026-12-02 09:00:00+00',
    '2026-12-02 09:00:00.1+00',
    '2026-12-02 09:00:00.123+00',
    '2026-12-02 09:00:00.123456+00',
    '2026-12-02 09:00:00.999999+00',
    '2026-02-28 23:59:59.5+08',
    '2026-12-31 23:30:00-05:30',
    '1970-01-01 00:00:00+00',
    '2000-02-29 12:00:00.000001+00',
    '1901-12-13 20:45:52+01:23:45',
  ];
  it.each(cases)('reads %s as new Date does', (text) => {
    const expected = new Date(text.replace(/([+-]\d\d):(\d\d):\d\d$/, '$1:$2'));
    const got = parseTimestamptz(text);
    if (text.endsWith(':45')) {
      // Seconds in an offset (historic zones): new Date ignores them; PostgreSQL means them.
      expect(got.getTime()).toBe(expected.getTime() - 45_000);
    } else {
      expect(got.toISOString()).toBe(expected.toISOString());
    }
  });

  it('hands other forms to new Date', () => {
    expect(parseTimestamptz('infinity').getTime()).toBeNaN();
    // Years before 100 as drizzle reads them (new Date's legacy parser), whatever that gives.
    expect(parseTimestamptz('0099-01-01 00:00:00+00').getTime()).toBe(new Date('0099-01-01 00:00:00+00').getTime());
    expect(parseTimestamptz('2026-12-02T09:00:00.000Z').toISOString()).toBe('2026-12-02T09:00:00.000Z');
  });
});
