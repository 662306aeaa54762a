/**
 * P11: the building blocks of the policy schemas (policy.schema.ts and the sections beside it):
 * strict sections, the "expected …" messages, the bounds of every number, and terms.
 */
import { z } from 'zod';

import { show } from '../../platform/validation.js';
import { DurationError, durationToMs, parseDuration } from './duration.js';

/** The message of a setting that is missing or of the wrong kind. */
export function expected(what: string): (issue: { readonly input?: unknown }) => string {
  return (issue) => (issue.input === undefined ? 'is required' : `must be ${what}, got ${show(issue.input)}`);
}

/** An object with exactly these settings; each unknown key is a problem of its own. */
export function section<S extends z.ZodRawShape>(shape: S) {
  const keys = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `is not a known setting (expected one of: ${keys})` : expected('an object')(issue)),
  });
}

/**
 * Bounds of every number a policy holds, so that a designer's typo cannot turn into a hang or an
 * overflow (issue 15): terms up to a year, working-day counts up to 60, caps up to 100,000.
 */
export const POLICY_BOUNDS = {
  /** The longest term: `P1Y`, i.e. 366 days. */
  termMs: 366 * 24 * 3_600_000,
  workingDays: 60,
  cap: 100_000,
  /** Holidays and working weekend days listed in the calendar, each. */
  calendarDates: 1_000,
  approvalSteps: 10,
  /** F1: the most named contacts an intent application may ask for. */
  minContacts: 100,
  /** The years a calendar date may fall in. */
  years: [2000, 2100],
} as const;

/** The reason `text` is not a usable term, or undefined when it is a positive ISO-8601 duration of at most a year. */
export function termProblem(text: string): string | undefined {
  if (text.length > 40) return `must be an ISO-8601 duration of at most 40 characters, got ${text.length}`;
  try {
    const ms = durationToMs(parseDuration(text));
    if (ms > POLICY_BOUNDS.termMs) return `must be at most a year (P1Y), got "${text}"`;
    return ms > 0 ? undefined : `must be longer than zero, got "${text}"`;
  } catch (error) {
    if (error instanceof DurationError) return error.message;
    throw error;
  }
}

export function isTerm(value: unknown): value is string {
  return typeof value === 'string' && termProblem(value) === undefined;
}

/** A positive ISO-8601 duration (`P30D`, `PT12H`; see `duration.ts`). */
export const term = z.string({ error: expected('an ISO-8601 duration string such as "P30D"') }).superRefine((text, ctx) => {
  const problem = termProblem(text);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});
