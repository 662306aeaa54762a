import { describe, expect, it } from 'vitest';

import {
  addDuration,
  DurationError,
  durationToMs,
  formatDuration,
  isDuration,
  parseDuration,
  stringifyDuration,
  type Duration,
} from '../../src/workflow/policy/duration.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const zero: Duration = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };

describe('duration (P11 policy terms)', () => {
  describe('parseDuration', () => {
    it.each([
      ['P30D', { days: 30 }],
      ['P15D', { days: 15 }],
      ['P3D', { days: 3 }],
      ['PT5S', { seconds: 5 }],
      ['PT0.5S', { seconds: 0.5 }],
      ['PT1,5S', { seconds: 1.5 }],
      ['P1DT12H', { days: 1, hours: 12 }],
      ['P2W', { weeks: 2 }],
      ['PT90M', { minutes: 90 }],
      ['P1Y2M3W4DT5H6M7.25S', { years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7.25 }],
      ['PT0S', {}],
    ])('should parse %s', (text, parts) => {
      expect(parseDuration(text)).toEqual({ ...zero, ...parts });
    });

    it.each(['', 'P', 'PT', 'P1DT', '-P1D', 'P-1D', 'P1.5D', 'PT1.5H', '30D', 'p30d', 'P30 D', ' P30D', 'PT1H30', 'P1S', 'P1D1Y', 'garbage'])(
      'should reject %j with a DurationError',
      (text) => {
        expect(() => parseDuration(text)).toThrow(DurationError);
      },
    );

    it('should name the bad input and the expected form in the message', () => {
      expect(() => parseDuration('PT')).toThrow(/"PT".*P30D/);
      expect(() => parseDuration('-P3D')).toThrow(/negative/);
    });

    it('should carry a literal error code', () => {
      try {
        parseDuration('P');
        expect.unreachable('parseDuration should have thrown');
      } catch (error) {
        expect(error).toBeInstanceOf(DurationError);
        expect(error).toMatchObject({ code: 'INVALID_DURATION', name: 'DurationError' });
      }
    });
  });

  describe('isDuration', () => {
    it('should accept valid durations', () => {
      expect(isDuration('P30D')).toBe(true);
      expect(isDuration('PT5S')).toBe(true);
    });

    it('should refuse invalid text and non-strings', () => {
      expect(isDuration('P')).toBe(false);
      expect(isDuration('thirty days')).toBe(false);
      expect(isDuration(30)).toBe(false);
      expect(isDuration(null)).toBe(false);
    });
  });

  describe('durationToMs', () => {
    it('should be exact for weeks, days and time', () => {
      expect(durationToMs('P2W')).toBe(14 * DAY);
      expect(durationToMs('P1DT12H')).toBe(36 * HOUR);
      expect(durationToMs('PT5S')).toBe(5 * SECOND);
      expect(durationToMs('PT0.5S')).toBe(500);
    });

    it('should approximate a year as 365 days and a month as 30 days', () => {
      expect(durationToMs('P1Y')).toBe(365 * DAY);
      expect(durationToMs('P1M')).toBe(30 * DAY);
    });

    it('should order policy terms (P3: default extension within the cap)', () => {
      expect(durationToMs('P15D')).toBeLessThan(durationToMs('P30D'));
      expect(durationToMs('P1M')).toBe(durationToMs('P30D'));
    });
  });

  describe('addDuration', () => {
    const start = new Date('2026-03-10T02:00:00.000Z');

    it('should add days as exact 24-hour periods (P2: 30-day term)', () => {
      expect(addDuration(start, 'P30D').getTime()).toBe(start.getTime() + 30 * DAY);
    });

    it('should add mixed day and time components', () => {
      expect(addDuration(start, 'P1DT12H')).toEqual(new Date('2026-03-11T14:00:00.000Z'));
      expect(addDuration(start, 'PT0.5S')).toEqual(new Date('2026-03-10T02:00:00.500Z'));
    });

    it('should accept a parsed Duration as well as text', () => {
      expect(addDuration(start, parseDuration('P2W'))).toEqual(new Date('2026-03-24T02:00:00.000Z'));
    });

    it('should add months on the UTC calendar, clamping to the end of shorter months', () => {
      expect(addDuration(new Date('2026-01-31T10:00:00Z'), 'P1M')).toEqual(new Date('2026-02-28T10:00:00Z'));
      expect(addDuration(new Date('2028-01-31T10:00:00Z'), 'P1M')).toEqual(new Date('2028-02-29T10:00:00Z'));
      expect(addDuration(new Date('2026-11-15T10:00:00Z'), 'P3M')).toEqual(new Date('2027-02-15T10:00:00Z'));
    });

    it('should add years on the UTC calendar', () => {
      expect(addDuration(new Date('2028-02-29T00:00:00Z'), 'P1Y')).toEqual(new Date('2029-02-28T00:00:00Z'));
      expect(addDuration(new Date('2026-05-01T08:30:00Z'), 'P1Y2M')).toEqual(new Date('2027-07-01T08:30:00Z'));
    });

    it('should not mutate its input', () => {
      const before = start.getTime();
      addDuration(start, 'P1Y1D');
      expect(start.getTime()).toBe(before);
    });
  });

  describe('formatDuration', () => {
    it('should produce canonical days and time components', () => {
      expect(formatDuration(2 * DAY + 3 * HOUR + 4 * MINUTE + 5 * SECOND)).toBe('P2DT3H4M5S');
      expect(formatDuration(30 * DAY)).toBe('P30D');
      expect(formatDuration(90 * MINUTE)).toBe('PT1H30M');
      expect(formatDuration(500)).toBe('PT0.5S');
      expect(formatDuration(DAY + 1)).toBe('P1DT0.001S');
    });

    it('should write zero as PT0S', () => {
      expect(formatDuration(0)).toBe('PT0S');
    });

    it('should refuse negative and non-finite spans', () => {
      expect(() => formatDuration(-1)).toThrow(DurationError);
      expect(() => formatDuration(Number.NaN)).toThrow(DurationError);
      expect(() => formatDuration(Number.POSITIVE_INFINITY)).toThrow(DurationError);
    });

    it.each(['P30D', 'P1DT12H', 'PT5S', 'PT0.5S', 'P2DT3H4M5S', 'PT0S'])('should round-trip %s through milliseconds', (text) => {
      expect(formatDuration(durationToMs(text))).toBe(text);
    });

    it('should parse back what it formats', () => {
      const ms = 12 * DAY + 23 * HOUR + 59 * MINUTE + 59.75 * SECOND;
      expect(durationToMs(parseDuration(formatDuration(ms)))).toBe(ms);
    });
  });

  describe('stringifyDuration', () => {
    it.each(['P30D', 'P2W', 'P1Y2M3W4DT5H6M7.25S', 'PT36H', 'P1M', 'PT1M', 'PT0.5S'])('should round-trip %s through parseDuration', (text) => {
      expect(stringifyDuration(parseDuration(text))).toBe(text);
      expect(parseDuration(stringifyDuration(parseDuration(text)))).toEqual(parseDuration(text));
    });

    it('should write an all-zero duration as PT0S', () => {
      expect(stringifyDuration(zero)).toBe('PT0S');
    });
  });
});
