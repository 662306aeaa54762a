import type { Clock } from '../../src/platform/clock.js';

/** A clock tests move by hand. */
export interface TestClock extends Clock {
  set(date: Date | string): void;
  advance(ms: number): void;
}

export function testClock(start: Date | string = '2026-11-23T02:00:00Z'): TestClock {
  let now = new Date(start).getTime();
  const clock = (() => new Date(now)) as TestClock;
  clock.set = (d) => {
    now = new Date(d).getTime();
  };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
