/**
 * P11: the shape of a policy document as zod schemas. Every setting says what it must be; the
 * assembled {@link policySchema} refuses unknown keys, reports every problem at once (see
 * `platform/validation.ts`) and is the single source of the policy types in `policy.ts`.
 */
import { z } from 'zod';

import { CUSTOMER_LEVELS } from '../../platform/db/schema.js';
import { evenAfterOtherProblems, show } from '../../platform/validation.js';
import { isLocalDate, isValidTimeZone } from './calendar.js';
import { durationToMs } from './duration.js';
import { expected, isTerm, POLICY_BOUNDS, section, term } from './policy-parts.js';
import { DEFAULT_VALUE_POLICY, valuePolicySchema } from './value-policy.schema.js';
import { complaintPolicySchema, DEFAULT_COMPLAINT_POLICY } from './complaint-policy.schema.js';

export { POLICY_BOUNDS } from './policy-parts.js';

/** The top-level sections; each workflow reads the sections it needs. */
export const POLICY_SECTIONS = ['customer', 'application', 'contract', 'followUp', 'value', 'complaint', 'calendar'] as const;

/** Roles an approval step may require. */
const POLICY_ROLES = ['SALES', 'AUDITOR', 'AFTER_SALES', 'MANAGER', 'DESIGNER', 'ADMIN'] as const;

/** `ANY`: one holder of the role decides the step; `ALL`: every holder must approve. */
const APPROVAL_MODES = ['ANY', 'ALL'] as const;

const { workingDays: MAX_DAYS, cap: MAX_CAP } = POLICY_BOUNDS;
const workingDaysMessage = expected(`a whole number of working days from 1 to ${MAX_DAYS}`);
/** Working days, 1 to 60. */
const workingDays = z.int({ error: workingDaysMessage }).min(1, { error: workingDaysMessage }).max(MAX_DAYS, { error: workingDaysMessage });
const graceMessage = expected(`a whole number of working days from 0 to ${MAX_DAYS}`);
/** Working days, 0 (none) to 60. */
const graceDays = z.int({ error: graceMessage }).min(0, { error: graceMessage }).max(MAX_DAYS, { error: graceMessage });

const capMessage = expected(`a whole number from 1 to ${MAX_CAP}, or null (no limit)`);
/** A cap: 1 to 100,000, or `null` for none. */
const cap = z.int({ error: capMessage }).min(1, { error: capMessage }).max(MAX_CAP, { error: capMessage }).nullable();

/** A list of distinct items; `whole` adds a problem about the list as a whole. */
function distinctList<T extends string | number>(
  isItem: (value: unknown) => value is T,
  messages: { invalid: (item: unknown) => string; twice: (item: T) => string; whole?: (items: readonly T[]) => string | undefined },
) {
  return z
    .array(z.unknown(), { error: expected('a list') })
    .superRefine((items, ctx) => {
      const seen: T[] = [];
      items.forEach((item, index) => {
        if (!isItem(item)) ctx.addIssue({ code: 'custom', path: [index], message: messages.invalid(item) });
        else if (seen.includes(item)) ctx.addIssue({ code: 'custom', path: [index], message: messages.twice(item) });
        else seen.push(item);
      });
      const whole = messages.whole?.(seen);
      if (whole !== undefined) ctx.addIssue({ code: 'custom', message: whole });
    })
    .transform((items) => items.filter(isItem));
}

function isLocalDateString(value: unknown): value is string {
  if (typeof value !== 'string' || !isLocalDate(value)) return false;
  const year = Number(value.slice(0, 4));
  return year >= POLICY_BOUNDS.years[0] && year <= POLICY_BOUNDS.years[1];
}

function isWeekday(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 7;
}

/** Distinct real `YYYY-MM-DD` dates. */
const dates = distinctList(isLocalDateString, {
  invalid: (item) => `must be a real date written YYYY-MM-DD in the years ${POLICY_BOUNDS.years.join(' to ')}, got ${show(item)}`,
  twice: (day) => `${day} is listed twice`,
  whole: (days) => (days.length > POLICY_BOUNDS.calendarDates ? `lists ${days.length} dates; at most ${POLICY_BOUNDS.calendarDates}` : undefined),
});

/** T2: where a customer goes when it falls to the pool: its custodian's department's pool, or back to the pool it is in. */
export const RETURN_TO = ['DEPARTMENT_POOL', 'SAME_POOL'] as const;

/** The customer policy keys a pool may override (T2): the rest is the same in every pool. */
export const POOL_POLICY_KEYS = [
  'prospectTerm',
  'intentTerm',
  'extensionTerm',
  'maxExtensionTerm',
  'abandonCoolDown',
  'warnBefore',
  'maxCustomersPerSales',
  'capCountsFormal',
  'dailyClaimLimit',
] as const;
/** T5: what a custody change does to the customer's collaborators. */
export const COLLABORATORS_ON_TRANSFER = ['KEEP', 'CLEAR'] as const;

/** T4: who may lock a customer against timed return. */
export const LOCK_BY = ['CUSTODIAN', 'MANAGER', 'CUSTODIAN_OR_MANAGER'] as const;

/** T4: locks (锁定) — who may lock and unlock, and how many customers one person may keep locked. */
const lockPolicySchema = section({
  /** Who may lock (and unlock) a protected or intent customer: its custodian, any manager, or either. */
  by: z.enum(LOCK_BY, { error: expected(`one of ${LOCK_BY.join(', ')}`) }),
  /** The most customers one person may keep locked at once; `null` = no cap. */
  maxPerUser: cap,
});

/** Protection terms and caps (P1–P7, T4). */
const customerPolicySchema = section({
  /** P2: protection term of a prospect. */
  prospectTerm: term,
  /** P4: protection term of an intent customer. */
  intentTerm: term,
  /** P3: extension granted when the application does not ask for a length. */
  extensionTerm: term,
  /** P3: the longest extension an application may ask for. */
  maxExtensionTerm: term,
  /** P5: how long the person who abandoned a customer may not protect it again. */
  abandonCoolDown: term,
  /** P5: how long the former custodian of a customer whose term ended (or whose rejection lapsed) may not claim it. */
  expiryCoolDown: term,
  /** P1: working days a rejected customer stays in custody before going to the pool. */
  rejectionReleaseWorkingDays: workingDays,
  /** P2: working days of its term a customer keeps at least after any decision on one of its applications (0: none). */
  graceAfterDecisionWorkingDays: graceDays,
  /** How long before a term ends the custodian is warned. */
  warnBefore: term,
  /** P7: the most customers one salesperson may hold; `null` = no cap. */
  maxCustomersPerSales: cap,
  /** P7: whether formal customers count towards `maxCustomersPerSales`. */
  capCountsFormal: z.boolean({ error: expected('true or false') }),
  /** P7: the most pool customers one salesperson may claim per local day; `null` = no limit. */
  dailyClaimLimit: cap,
  /** T2: the pool a customer falls to (DEPARTMENT_POOL: its custodian's department's, where one is named; SAME_POOL: the one it is in). */
  returnTo: z.enum(RETURN_TO, { error: expected(`one of ${RETURN_TO.join(', ')}`) }),
  /** T5: whether a transfer (or the hand-over to after-sales) keeps the customer's collaborators or clears them. */
  collaboratorsOnTransfer: z.enum(COLLABORATORS_ON_TRANSFER, { error: expected(`one of ${COLLABORATORS_ON_TRANSFER.join(', ')}`) }).default('KEEP'),
  /** T3: a protected or intent customer with no follow-up (nor other change) for this long falls to the pool; `null` = off. */
  inactivityTerm: term.nullable(),
  /** T3: the inactivity term for customers of a level (V2: VIP, MAJOR, ORDINARY, SMALL), over `inactivityTerm`; `null` = never for that level. */
  inactivityByLevel: z.partialRecord(z.enum(CUSTOMER_LEVELS, { error: expected(`a level: ${CUSTOMER_LEVELS.join(', ')}`) }), term.nullable()).default({}),
  /** T4: locks exempt a customer from timed return; who may lock and the per-person cap. */
  lock: lockPolicySchema,
}).superRefine(
  (customer, ctx) => {
    // P3: the default extension must itself be grantable (judged only when both terms are usable).
    const { extensionTerm, maxExtensionTerm } = customer;
    if (isTerm(extensionTerm) && isTerm(maxExtensionTerm) && durationToMs(extensionTerm) > durationToMs(maxExtensionTerm)) {
      ctx.addIssue({
        code: 'custom',
        path: ['extensionTerm'],
        message: `must not be longer than customer.maxExtensionTerm ("${maxExtensionTerm}"), got "${extensionTerm}"`,
      });
    }
  },
  { when: evenAfterOtherProblems },
);

/** One step of an application's audit; steps run in order. */
const approvalStep = section({
  role: z.enum(POLICY_ROLES, { error: expected(`one of ${POLICY_ROLES.join(', ')}`) }),
  mode: z.enum(APPROVAL_MODES, { error: expected(`one of ${APPROVAL_MODES.join(', ')}`) }),
});

/** A1: the steps of one kind of application, in order; at least one. */
const approvalSteps = z
  .array(approvalStep, { error: expected('a list of approval steps') })
  .min(1, 'needs at least one approval step')
  .max(POLICY_BOUNDS.approvalSteps, `has at most ${POLICY_BOUNDS.approvalSteps} approval steps`);

const minContactsMessage = expected(`a whole number of contacts from 0 to ${POLICY_BOUNDS.minContacts}`);

/** Audit of applications (A1–A5) and what their checklists ask (F1). */
const applicationPolicySchema = section({
  /** A5: working days after which a pending application shows as overdue. */
  auditSla: section({ workingDays }),
  /** The approval steps of each kind of application, in order; at least one each. */
  steps: section({
    PROTECTION: approvalSteps,
    INTENT: approvalSteps,
    EXTENSION: approvalSteps,
    /** V5: a contract over the customer's credit limit (default: one MANAGER; documents from before V5 get it). */
    CREDIT: approvalSteps.default([{ role: 'MANAGER', mode: 'ANY' }]),
  }),
  /** F1: active named contacts a target account should have; THREE_CONTACTS on INTENT checklists warns below it (0: never). */
  minContactsForIntent: z
    .int({ error: minContactsMessage })
    .min(0, { error: minContactsMessage })
    .max(POLICY_BOUNDS.minContacts, { error: minContactsMessage }),
});

const assigneeMessage = expected('a username (non-empty, no surrounding spaces) or null');
/** P6: how a new formal customer's after-sales custodian is chosen. */
export const AFTER_SALES_MODES = ['LEAST_LOADED', 'ROUND_ROBIN', 'USER'] as const;
const prefixMessage = expected('1 to 16 letters, digits, "-" or "_"');

/** Contracts (C1–C4). */
const contractPolicySchema = section({
  /**
   * P6: who a new formal customer goes to: the active AFTER_SALES user holding the fewest
   * customers (`LEAST_LOADED`, ties by username), the next one after the last hand-over
   * (`ROUND_ROBIN`, by username), or `username` (`USER`, if active AFTER_SALES; else unassigned).
   */
  afterSales: section({
    mode: z.enum(AFTER_SALES_MODES, { error: expected(`one of ${AFTER_SALES_MODES.join(', ')}`) }),
    username: z
      .string({ error: assigneeMessage })
      .regex(/^\S(.*\S)?$/, { error: assigneeMessage })
      .nullable(),
  }).superRefine(
    (a, ctx) => {
      if (a.mode === 'USER' && a.username === null) ctx.addIssue({ code: 'custom', path: ['username'], message: 'is required with mode USER' });
    },
    { when: evenAfterOtherProblems },
  ),
  /** C2: prefix of reserved contract numbers, e.g. `HT`. */
  numberPrefix: z.string({ error: prefixMessage }).regex(/^[A-Za-z0-9_-]{1,16}$/, { error: prefixMessage }),
  /** V5: days after confirmation a contract falls due, for customers without their own credit term. */
  creditTermDays: z
    .int({ error: expected('a whole number of days from 1 to 365') })
    .min(1)
    .max(365)
    .default(30),
});

/** F6: what a custody change does to the customer's open follow-up plans. */
export const CUSTODY_CHANGE_MODES = ['CANCEL', 'CARRY'] as const;

/** V6: the steps of the after-sale visit plan a new formal customer's after-sales custodian gets. */
export const VISIT_STEPS = ['THANK_YOU_VISIT', 'PHONE_CHECK', 'LETTER', 'SATISFACTION_SURVEY', 'REFERRAL_REQUEST', 'REPURCHASE_LETTER'] as const;

/** V6: one step of the visit plan, due `after` the customer became formal. */
const visitStep = section({
  step: z.enum(VISIT_STEPS, { error: expected(`one of ${VISIT_STEPS.join(', ')}`) }),
  after: term,
});

/** Follow-up plans (F6). */
const followUpPolicySchema = section({
  /** F6: how long a due plan waits for its follow-up before it is overdue. */
  grace: term,
  /** F6: how long a plan stays overdue before it is escalated to the custodian's managers. */
  escalateAfter: term,
  /** F6: on a custody change, open plans are cancelled or carried to the new custodian (cancelled when the customer has none). */
  onCustodyChange: z.enum(CUSTODY_CHANGE_MODES, { error: expected(`one of ${CUSTODY_CHANGE_MODES.join(', ')}`) }),
  /** V6: the after-sale visit plan, one follow-up plan per step, opened when a customer becomes formal (empty: none). */
  visitPlan: z.array(visitStep, { error: expected('a list of visit steps') }).max(VISIT_STEPS.length * 2, `has at most ${VISIT_STEPS.length * 2} visit steps`),
});

const timeZoneMessage = expected('an IANA time zone known to Intl, such as "Asia/Shanghai"');

/** The working-day calendar (P1, A5); see `WorkingCalendar` in `calendar.ts`. */
const calendarPolicySchema = section({
  /** IANA time zone, e.g. `Asia/Shanghai`. */
  timeZone: z.string({ error: timeZoneMessage }).refine(isValidTimeZone, { error: timeZoneMessage }),
  /** ISO weekday numbers, 1 = Monday … 7 = Sunday. */
  weekend: distinctList(isWeekday, {
    invalid: (item) => `must be an ISO weekday number from 1 (Monday) to 7 (Sunday), got ${show(item)}`,
    twice: (day) => `weekday ${day} is listed twice`,
    whole: (days) => (days.length === 7 ? 'cannot make every day of the week a weekend day' : undefined),
  }),
  /** Local dates that are not working days. */
  holidays: dates,
  /** Local dates on a weekend that are working days (调休). */
  workdays: dates,
}).superRefine(
  (calendar, ctx) => {
    // Values may still be raw here (see evenAfterOtherProblems), hence the guards.
    const { holidays, workdays } = calendar;
    if (!Array.isArray(holidays) || !Array.isArray(workdays)) return;
    workdays.forEach((day, index) => {
      if (isLocalDateString(day) && workdays.indexOf(day) === index && holidays.some((holiday) => holiday === day && isLocalDateString(holiday))) {
        ctx.addIssue({ code: 'custom', path: ['workdays', index], message: `${day} is also listed in calendar.holidays` });
      }
    });
  },
  { when: evenAfterOtherProblems },
);

/** The whole policy document: exactly the {@link POLICY_SECTIONS}. */
export const policySchema = section({
  customer: customerPolicySchema,
  application: applicationPolicySchema,
  contract: contractPolicySchema,
  followUp: followUpPolicySchema,
  value: valuePolicySchema.default(DEFAULT_VALUE_POLICY),
  complaint: complaintPolicySchema.default(DEFAULT_COMPLAINT_POLICY),
  calendar: calendarPolicySchema,
});
