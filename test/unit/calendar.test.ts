import { describe, expect, it } from 'vitest';

import {
  addWorkingDays,
  isLocalDate,
  isValidTimeZone,
  isWorkingDate,
  isWorkingDay,
  localDateString,
  startOfLocalDay,
  toLocalDateTime,
  utcOffsetMs,
  type WorkingCalendar,
} from '../../src/workflow/policy/calendar.js';

/** The instant of a Shanghai wall time `YYYY-MM-DD HH:mm` (UTC+8, no DST). */
function shanghai(local: string): Date {
  return new Date(`${local.replace(' ', 'T')}:00+08:00`);
}

const plain: WorkingCalendar = { timeZone: 'Asia/Shanghai', weekend: [6, 7], holidays: [], workdays: [] };

// China 2026: Qingming 04-04..06, Spring Festival 02-15..23 with make-up Saturdays 02-14 and 02-28,
// National Day 10-01..07 with make-up days 09-20 (Sun) and 10-10 (Sat).
const china2026: WorkingCalendar = {
  timeZone: 'Asia/Shanghai',
  weekend: [6, 7],
  holidays: [
    '2026-02-15',
    '2026-02-16',
    '2026-02-17',
    '2026-02-18',
    '2026-02-19',
    '2026-02-20',
    '2026-02-21',
    '2026-02-22',
    '2026-02-23',
    '2026-04-04',
    '2026-04-05',
    '2026-04-06',
    '2026-10-01',
    '2026-10-02',
    '2026-10-03',
    '2026-10-04',
    '2026-10-05',
    '2026-10-06',
    '2026-10-07',
  ],
  workdays: ['2026-02-14', '2026-02-28', '2026-09-20', '2026-10-10'],
};

describe('calendar (P1 rejection release, A5 audit SLA)', () => {
  describe('isWorkingDay', () => {
    it('should treat Monday to Friday as working days and the weekend as not', () => {
      expect(isWorkingDay(shanghai('2025-03-07 10:00'), plain)).toBe(true); // Friday
      expect(isWorkingDay(shanghai('2025-03-08 10:00'), plain)).toBe(false); // Saturday
      expect(isWorkingDay(shanghai('2025-03-09 10:00'), plain)).toBe(false); // Sunday
      expect(isWorkingDay(shanghai('2025-03-10 10:00'), plain)).toBe(true); // Monday
    });

    it('should evaluate the local day in the calendar time zone, not the UTC day', () => {
      // Friday 17:30 UTC is already Saturday 01:30 in Shanghai.
      expect(isWorkingDay(new Date('2025-03-07T17:30:00Z'), plain)).toBe(false);
      // Sunday 16:30 UTC is Monday 00:30 in Shanghai.
      expect(isWorkingDay(new Date('2025-03-09T16:30:00Z'), plain)).toBe(true);
    });

    it('should treat holidays as non-working days', () => {
      expect(isWorkingDay(shanghai('2026-10-05 09:00'), china2026)).toBe(false); // Monday, National Day
    });

    it('should treat make-up workdays (调休) on a weekend as working days', () => {
      expect(isWorkingDay(shanghai('2026-10-10 09:00'), china2026)).toBe(true); // Saturday
      expect(isWorkingDay(shanghai('2026-09-20 09:00'), china2026)).toBe(true); // Sunday
    });

    it('should honour a custom weekend', () => {
      const fridayOff: WorkingCalendar = { ...plain, weekend: [5, 6] };
      expect(isWorkingDay(shanghai('2025-03-07 10:00'), fridayOff)).toBe(false);
      expect(isWorkingDay(shanghai('2025-03-09 10:00'), fridayOff)).toBe(true);
    });
  });

  describe('isWorkingDate', () => {
    it('should judge a local YYYY-MM-DD date', () => {
      expect(isWorkingDate('2026-02-14', china2026)).toBe(true);
      expect(isWorkingDate('2026-02-16', china2026)).toBe(false);
      expect(isWorkingDate('2026-02-24', china2026)).toBe(true);
    });

    it('should prefer a holiday over a conflicting workday entry', () => {
      expect(isWorkingDate('2026-02-14', { ...china2026, holidays: ['2026-02-14'] })).toBe(false);
    });

    it('should refuse a malformed date', () => {
      expect(() => isWorkingDate('2026-02-30', plain)).toThrow(RangeError);
    });
  });

  describe('addWorkingDays', () => {
    it('should skip a weekend and keep the local time (Fri 10:00 + 3 = Wed 10:00)', () => {
      expect(addWorkingDays(shanghai('2025-03-07 10:00'), 3, plain)).toEqual(shanghai('2025-03-12 10:00'));
    });

    it('should count within a week', () => {
      expect(addWorkingDays(shanghai('2025-03-10 23:59'), 1, plain)).toEqual(shanghai('2025-03-11 23:59'));
      expect(addWorkingDays(shanghai('2025-03-10 08:15'), 5, plain)).toEqual(shanghai('2025-03-17 08:15'));
    });

    it('should return the start itself for zero days from a working day', () => {
      const start = shanghai('2025-03-07 10:00');
      expect(addWorkingDays(start, 0, plain)).toEqual(start);
    });

    it('should skip a holiday (Qingming: Thu + 2 = Tue)', () => {
      expect(addWorkingDays(shanghai('2026-04-02 10:00'), 2, china2026)).toEqual(shanghai('2026-04-07 10:00'));
    });

    it('should skip the National Day week and count the make-up Saturday', () => {
      expect(addWorkingDays(shanghai('2026-09-30 10:00'), 3, china2026)).toEqual(shanghai('2026-10-10 10:00'));
    });

    it('should count a make-up workday before the Spring Festival', () => {
      expect(addWorkingDays(shanghai('2026-02-13 16:00'), 1, china2026)).toEqual(shanghai('2026-02-14 16:00'));
      expect(addWorkingDays(shanghai('2026-02-14 16:00'), 1, china2026)).toEqual(shanghai('2026-02-24 16:00'));
    });

    it('should count from the start of the next working day when starting on a Saturday', () => {
      // Mon, Tue and Wed elapse: the deadline is Thursday 00:00.
      expect(addWorkingDays(shanghai('2025-03-08 15:00'), 3, plain)).toEqual(shanghai('2025-03-13 00:00'));
      expect(addWorkingDays(shanghai('2025-03-08 15:00'), 0, plain)).toEqual(shanghai('2025-03-10 00:00'));
    });

    it('should count from the start of the next working day when starting on a holiday', () => {
      expect(addWorkingDays(shanghai('2026-10-03 12:00'), 1, china2026)).toEqual(shanghai('2026-10-09 00:00'));
    });

    it('should use the local day, not the UTC day, to decide where counting starts', () => {
      // Friday 18:00 UTC is Saturday 02:00 in Shanghai: counting starts Monday 00:00 local.
      expect(addWorkingDays(new Date('2025-03-07T18:00:00Z'), 1, plain)).toEqual(shanghai('2025-03-11 00:00'));
    });

    it('should keep the local time across a DST change in zones that have one', () => {
      const newYork: WorkingCalendar = { ...plain, timeZone: 'America/New_York' };
      // Fri 2025-03-07 10:00 EST (UTC-5) + 3 = Wed 2025-03-12 10:00 EDT (UTC-4).
      expect(addWorkingDays(new Date('2025-03-07T15:00:00Z'), 3, newYork)).toEqual(new Date('2025-03-12T14:00:00Z'));
    });

    it('should refuse a negative or fractional count', () => {
      expect(() => addWorkingDays(shanghai('2025-03-07 10:00'), -1, plain)).toThrow(RangeError);
      expect(() => addWorkingDays(shanghai('2025-03-07 10:00'), 1.5, plain)).toThrow(RangeError);
    });

    it('should refuse an invalid start', () => {
      expect(() => addWorkingDays(new Date('nonsense'), 1, plain)).toThrow(RangeError);
    });

    it('should refuse a calendar without any working day instead of looping forever', () => {
      const never: WorkingCalendar = { ...plain, weekend: [1, 2, 3, 4, 5, 6, 7] };
      expect(() => addWorkingDays(shanghai('2025-03-07 10:00'), 1, never)).toThrow(/no working day/);
    });
  });

  describe('local time helpers', () => {
    it('should read the wall clock and ISO weekday of a zone', () => {
      expect(toLocalDateTime(new Date('2025-03-07T17:30:05.250Z'), 'Asia/Shanghai')).toEqual({
        year: 2025,
        month: 3,
        day: 8,
        hour: 1,
        minute: 30,
        second: 5,
        millisecond: 250,
        isoWeekday: 6,
      });
    });

    it('should give the UTC offset of a zone', () => {
      expect(utcOffsetMs(new Date('2025-03-07T00:00:00Z'), 'Asia/Shanghai')).toBe(8 * 3_600_000);
    });

    it('should give the local date and local midnight', () => {
      const instant = new Date('2025-03-07T17:30:00Z');
      expect(localDateString(instant, 'Asia/Shanghai')).toBe('2025-03-08');
      expect(startOfLocalDay(instant, 'Asia/Shanghai')).toEqual(shanghai('2025-03-08 00:00'));
    });

    it('should validate time zones with Intl', () => {
      expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
      expect(isValidTimeZone('UTC')).toBe(true);
      expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
      expect(isValidTimeZone('')).toBe(false);
      expect(isValidTimeZone(8)).toBe(false);
    });

    it('should accept only real YYYY-MM-DD dates', () => {
      expect(isLocalDate('2028-02-29')).toBe(true);
      expect(isLocalDate('2026-02-29')).toBe(false);
      expect(isLocalDate('2026-13-01')).toBe(false);
      expect(isLocalDate('2026-1-01')).toBe(false);
      expect(isLocalDate('2026-01-01T00:00')).toBe(false);
      expect(isLocalDate(20260101)).toBe(false);
    });
  });
});
