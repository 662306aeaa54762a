/**
 * The working-day calendar (P1's 3 working days before a rejected customer is released, A5's
 * audit SLA). Days are local calendar days in the calendar's IANA time zone, evaluated with
 * `Intl.DateTimeFormat`; no date library.
 */

/**
 * Which local days are working days.
 * A day is a working day unless it is listed in `holidays`, or falls on a `weekend` weekday
 * and is not listed in `workdays` (make-up working days, 调休). A date listed both as a holiday
 * and as a workday is a holiday (policy validation refuses such a calendar anyway).
 */
export interface WorkingCalendar {
  /** IANA time zone, e.g. `Asia/Shanghai`. */
  readonly timeZone: string;
  /** ISO weekday numbers, 1 = Monday … 7 = Sunday; `[6, 7]` by default. */
  readonly weekend: readonly number[];
  /** Local dates (`YYYY-MM-DD`) that are not working days. */
  readonly holidays: readonly string[];
  /** Local dates (`YYYY-MM-DD`) on a weekend that are working days (调休). */
  readonly workdays: readonly string[];
}

/** A wall-clock reading in some time zone. `isoWeekday` is 1 = Monday … 7 = Sunday. */
export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  readonly isoWeekday: number;
}

/** Guards against calendars that declare every day non-working. */
const MAX_CONSECUTIVE_NON_WORKING_DAYS = 3_660;
/** The most working days one calculation counts: above every policy bound (60), far below a hang. */
export const MAX_WORKING_DAYS = 366;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether `timeZone` is an IANA time zone this runtime's `Intl` knows. */
export function isValidTimeZone(timeZone: unknown): boolean {
  if (typeof timeZone !== 'string' || timeZone === '') return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/** Whether `text` is a real calendar date written `YYYY-MM-DD` (`2026-02-30` is not). */
export function isLocalDate(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return false;
  const [, y, m, d] = match.map(Number);
  if (y === undefined || m === undefined || d === undefined) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function isoWeekdayOf(year: number, month: number, day: number): number {
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

function assertValidDate(date: Date, name: string): void {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new RangeError(`${name} must be a valid Date`);
  }
}

/**
 * Reads the wall clock of `timeZone` at `date`.
 * @throws RangeError for an unknown time zone or an invalid date.
 */
export function toLocalDateTime(date: Date, timeZone: string): LocalDateTime {
  assertValidDate(date, 'date');
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(date)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const read = (type: string): number => {
    const value = parts[type];
    if (value === undefined || Number.isNaN(value)) {
      throw new RangeError(`Intl.DateTimeFormat gave no ${type} for ${date.toISOString()} in ${timeZone}`);
    }
    return value;
  };
  const year = read('year');
  const month = read('month');
  const day = read('day');
  return {
    year,
    month,
    day,
    hour: read('hour'),
    minute: read('minute'),
    second: read('second'),
    // Zone offsets are whole seconds, so the sub-second part is the same everywhere.
    millisecond: ((date.getTime() % 1_000) + 1_000) % 1_000,
    isoWeekday: isoWeekdayOf(year, month, day),
  };
}

function localAsUtcMs(local: Omit<LocalDateTime, 'isoWeekday'>): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond);
}

/** The offset of `timeZone` from UTC at `date`, in milliseconds (+8 h for Asia/Shanghai). */
export function utcOffsetMs(date: Date, timeZone: string): number {
  return localAsUtcMs(toLocalDateTime(date, timeZone)) - date.getTime();
}

/**
 * The instant a wall-clock reading denotes in `timeZone`. Uses the zone's offset on that day
 * (one correction step from `hintOffsetMs`); a reading inside a DST gap or overlap resolves to
 * one of the nearby instants without further care — zones such as Asia/Shanghai have no DST.
 */
function fromLocal(local: Omit<LocalDateTime, 'isoWeekday'>, timeZone: string, hintOffsetMs: number): Date {
  const wall = localAsUtcMs(local);
  const guess = new Date(wall - hintOffsetMs);
  const offset = utcOffsetMs(guess, timeZone);
  return offset === hintOffsetMs ? guess : new Date(wall - offset);
}

/** The local date of `date` in `timeZone`, as `YYYY-MM-DD`. */
export function localDateString(date: Date, timeZone: string): string {
  const { year, month, day } = toLocalDateTime(date, timeZone);
  return formatYmd(year, month, day);
}

/** Local midnight (00:00) of the day `date` falls on in `timeZone` — e.g. for P7's daily claim limit. */
export function startOfLocalDay(date: Date, timeZone: string): Date {
  const local = toLocalDateTime(date, timeZone);
  return fromLocal(
    { year: local.year, month: local.month, day: local.day, hour: 0, minute: 0, second: 0, millisecond: 0 },
    timeZone,
    utcOffsetMs(date, timeZone),
  );
}

function formatYmd(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

interface CivilDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

function nextCivilDay({ year, month, day }: CivilDay): CivilDay {
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

interface CalendarSets {
  readonly weekend: ReadonlySet<number>;
  readonly holidays: ReadonlySet<string>;
  readonly workdays: ReadonlySet<string>;
}

function setsOf(calendar: WorkingCalendar): CalendarSets {
  return {
    weekend: new Set(calendar.weekend),
    holidays: new Set(calendar.holidays),
    workdays: new Set(calendar.workdays),
  };
}

function isWorkingCivilDay(civil: CivilDay, sets: CalendarSets): boolean {
  const ymd = formatYmd(civil.year, civil.month, civil.day);
  if (sets.holidays.has(ymd)) return false;
  if (sets.workdays.has(ymd)) return true;
  return !sets.weekend.has(isoWeekdayOf(civil.year, civil.month, civil.day));
}

/**
 * Whether the local date `YYYY-MM-DD` is a working day of `calendar` (no time zone involved).
 * @throws RangeError when `ymd` is not a real `YYYY-MM-DD` date.
 */
export function isWorkingDate(ymd: string, calendar: WorkingCalendar): boolean {
  if (!isLocalDate(ymd)) throw new RangeError(`"${ymd}" is not a YYYY-MM-DD date`);
  const [year = 0, month = 0, day = 0] = ymd.split('-').map(Number);
  return isWorkingCivilDay({ year, month, day }, setsOf(calendar));
}

/** Whether the local day `date` falls on, in the calendar's time zone, is a working day. */
export function isWorkingDay(date: Date, calendar: WorkingCalendar): boolean {
  const { year, month, day } = toLocalDateTime(date, calendar.timeZone);
  return isWorkingCivilDay({ year, month, day }, setsOf(calendar));
}

function advanceToWorkingDay(from: CivilDay, sets: CalendarSets): CivilDay {
  let civil = from;
  for (let skipped = 0; !isWorkingCivilDay(civil, sets); skipped += 1) {
    if (skipped >= MAX_CONSECUTIVE_NON_WORKING_DAYS) {
      throw new RangeError(
        `The working calendar has no working day within ${MAX_CONSECUTIVE_NON_WORKING_DAYS} days of ${formatYmd(from.year, from.month, from.day)}`,
      );
    }
    civil = nextCivilDay(civil);
  }
  return civil;
}

/**
 * The instant exactly `n` working days after `start` (P1: rejection release after 3 working
 * days; A5: audit SLA).
 *
 * - From a working day: step forward one local day at a time, counting only working days, and
 *   keep the local time of day. Fri 10:00 + 3 working days (plain weekend) = Wed 10:00.
 * - From a non-working day (weekend or holiday): the count starts at local midnight of the next
 *   working day, so the result is local midnight n working days later, i.e. the end of the
 *   n-th working day. Sat 15:00 + 3 = Thu 00:00 (Mon, Tue, Wed elapsed); with n = 0 the result
 *   is that next working day's 00:00. From a working day, n = 0 returns `start` itself.
 *
 * The local time is turned back into an instant with the zone's UTC offset on the target day.
 * DST zones are not handled with more care than that (a wall time inside a DST gap lands an
 * hour off); Asia/Shanghai has no DST.
 * @throws RangeError when `n` is not an integer from 0 to {@link MAX_WORKING_DAYS} (the work is
 *   bounded by construction, whatever a policy says), `start` is invalid, the time zone is
 *   unknown, or the calendar has no working day for ten years.
 */
export function addWorkingDays(start: Date, n: number, calendar: WorkingCalendar): Date {
  if (!Number.isInteger(n) || n < 0 || n > MAX_WORKING_DAYS) {
    throw new RangeError(`addWorkingDays: n must be an integer from 0 to ${MAX_WORKING_DAYS}, got ${n}`);
  }
  assertValidDate(start, 'start');
  const sets = setsOf(calendar);
  const local = toLocalDateTime(start, calendar.timeZone);
  const startDay: CivilDay = { year: local.year, month: local.month, day: local.day };
  const startsOnWorkingDay = isWorkingCivilDay(startDay, sets);
  if (startsOnWorkingDay && n === 0) return new Date(start.getTime());

  const timeOfDay = startsOnWorkingDay
    ? { hour: local.hour, minute: local.minute, second: local.second, millisecond: local.millisecond }
    : { hour: 0, minute: 0, second: 0, millisecond: 0 };
  let civil = startsOnWorkingDay ? startDay : advanceToWorkingDay(startDay, sets);
  for (let counted = 0; counted < n; counted += 1) {
    civil = advanceToWorkingDay(nextCivilDay(civil), sets);
  }
  return fromLocal({ ...civil, ...timeOfDay }, calendar.timeZone, utcOffsetMs(start, calendar.timeZone));
}
