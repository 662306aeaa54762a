/**
 * ISO-8601 durations for policy terms (P2 30 days, P4 15 days, P5 3-day cool-down, …).
 *
 * Supported grammar: `PnYnMnWnDTnHnMnS`, every component optional but at least one present,
 * non-negative integers except the seconds, which may carry a fraction (`PT0.5S`, `PT1,5S`).
 * Weeks may be combined with other components (ISO 8601-1:2019 allows it; so does Temporal).
 * Negative durations (`-P1D`) and fractions on other components are refused.
 */

/** The components of a parsed duration; all non-negative, only `seconds` may be fractional. */
export interface Duration {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

/** Thrown for text that is not a supported ISO-8601 duration, or a value that cannot be one. */
export class DurationError extends Error {
  readonly code = 'INVALID_DURATION' as const;

  constructor(message: string) {
    super(message);
    this.name = 'DurationError';
  }
}

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

const PATTERN = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

function component(raw: string | undefined, text: string): number {
  if (raw === undefined) return 0;
  const value = Number(raw.replace(',', '.'));
  if (!Number.isFinite(value) || value > Number.MAX_SAFE_INTEGER) {
    throw new DurationError(`Invalid ISO-8601 duration "${text}": component ${raw} is too large`);
  }
  return value;
}

/**
 * Parses an ISO-8601 duration such as `P30D`, `P1DT12H`, `P2W` or `PT0.5S`.
 * @throws DurationError when the text is empty, negative, has no components (`P`, `PT`),
 *   has a dangling `T` (`P1DT`) or is otherwise malformed.
 */
export function parseDuration(text: string): Duration {
  if (typeof text !== 'string') {
    throw new DurationError(`Invalid ISO-8601 duration: expected a string, got ${typeof text}`);
  }
  if (text.startsWith('-')) {
    throw new DurationError(`Invalid ISO-8601 duration "${text}": negative durations are not supported`);
  }
  const match = PATTERN.exec(text);
  // `P` and `PT` match the pattern with no component; `P1DT` leaves a dangling designator.
  if (match === null || text === 'P' || text.endsWith('T')) {
    throw new DurationError(`Invalid ISO-8601 duration "${text}": expected a form like P30D, P1DT12H, P2W or PT0.5S`);
  }
  const [, y, mo, w, d, h, mi, s] = match;
  return {
    years: component(y, text),
    months: component(mo, text),
    weeks: component(w, text),
    days: component(d, text),
    hours: component(h, text),
    minutes: component(mi, text),
    seconds: component(s, text),
  };
}

/** Whether `text` is a duration {@link parseDuration} accepts. */
export function isDuration(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  try {
    parseDuration(text);
    return true;
  } catch (error) {
    if (error instanceof DurationError) return false;
    throw error;
  }
}

function toDuration(d: Duration | string): Duration {
  return typeof d === 'string' ? parseDuration(d) : d;
}

function daysInUtcMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

/**
 * Adds a duration to an instant.
 *
 * - Years and months are calendar-aware in UTC: the UTC month is advanced and the day of month
 *   clamped to the target month's length (Jan 31 + P1M = Feb 28/29, not Mar 3), keeping the
 *   UTC time of day.
 * - Weeks, days, hours, minutes and seconds are exact: a day is 24 hours and a week 7 days
 *   (UTC has no DST, so "the same wall time tomorrow" and "+24h" coincide in UTC; a local
 *   DST shift is deliberately ignored). Fractional seconds are rounded to the millisecond.
 *
 * Working-day arithmetic lives in `calendar.ts`, not here.
 */
export function addDuration(date: Date, d: Duration | string): Date {
  const duration = toDuration(d);
  const result = new Date(date.getTime());
  const totalMonths = duration.years * 12 + duration.months;
  if (totalMonths !== 0) {
    const day = result.getUTCDate();
    const targetMonth = result.getUTCMonth() + totalMonths;
    const targetYear = result.getUTCFullYear() + Math.floor(targetMonth / 12);
    const targetMonthIndex = ((targetMonth % 12) + 12) % 12;
    result.setUTCDate(1);
    result.setUTCFullYear(targetYear, targetMonthIndex, Math.min(day, daysInUtcMonth(targetYear, targetMonthIndex)));
  }
  return new Date(result.getTime() + exactMs(duration));
}

function exactMs(d: Duration): number {
  return Math.round(d.weeks * 7 * DAY_MS + d.days * DAY_MS + d.hours * HOUR_MS + d.minutes * MINUTE_MS + d.seconds * SECOND_MS);
}

/**
 * The length of a duration in milliseconds, approximating a year as 365 days and a month as
 * 30 days. Meant for comparisons (is this term positive? is the extension within the cap?),
 * not for computing deadlines: use {@link addDuration} for those.
 */
export function durationToMs(d: Duration | string): number {
  const duration = toDuration(d);
  return exactMs(duration) + duration.years * 365 * DAY_MS + duration.months * 30 * DAY_MS;
}

/**
 * Formats a millisecond span as a canonical ISO-8601 duration using only days and time
 * components (years and months have no fixed length): `P2DT3H4M5S`, `PT0.5S`, `PT0S` for zero.
 * Used for `Customer.expiresIn`; callers clamp an already-expired term to 0 first.
 * @throws DurationError for negative or non-finite input.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new DurationError(`Cannot format ${ms} ms as an ISO-8601 duration: expected a finite, non-negative number`);
  }
  let rest = Math.round(ms);
  const days = Math.floor(rest / DAY_MS);
  rest -= days * DAY_MS;
  const hours = Math.floor(rest / HOUR_MS);
  rest -= hours * HOUR_MS;
  const minutes = Math.floor(rest / MINUTE_MS);
  rest -= minutes * MINUTE_MS;
  return stringifyDuration({ years: 0, months: 0, weeks: 0, days, hours, minutes, seconds: rest / SECOND_MS });
}

function formatSeconds(seconds: number): string {
  // Millisecond precision; trailing zeros dropped (0.5, not 0.500).
  return String(Math.round(seconds * 1_000) / 1_000);
}

/**
 * Writes a {@link Duration} back as ISO-8601 text, keeping its components as they are
 * (no normalisation: `P36H` stays hours). Zero components are omitted; an all-zero
 * duration is `PT0S`. `parseDuration(stringifyDuration(d))` equals `d`.
 */
export function stringifyDuration(d: Duration): string {
  const date = [d.years ? `${d.years}Y` : '', d.months ? `${d.months}M` : '', d.weeks ? `${d.weeks}W` : '', d.days ? `${d.days}D` : ''].join('');
  const time = [d.hours ? `${d.hours}H` : '', d.minutes ? `${d.minutes}M` : '', d.seconds ? `${formatSeconds(d.seconds)}S` : ''].join('');
  if (date === '' && time === '') return 'PT0S';
  return `P${date}${time === '' ? '' : `T${time}`}`;
}

/** `date` minus the duration, by the same calendar rules as {@link addDuration} ("a year before", "30 days before"). */
export function subtractDuration(date: Date, d: Duration | string): Date {
  const x = toDuration(d);
  return addDuration(date, { years: -x.years, months: -x.months, weeks: -x.weeks, days: -x.days, hours: -x.hours, minutes: -x.minutes, seconds: -x.seconds });
}
