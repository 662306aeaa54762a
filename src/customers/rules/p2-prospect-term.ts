/**
 * P2: a prospect is protected for 30 days from entry (`prospectTerm`; the time waiting for the
 * protection audit counts); when a term passes, the sweeper (and only the sweeper) sends the
 * deadline event and custody ends: the customer is in the pool. A customer never falls into the
 * pool on a timer while one of its applications awaits a decision: opening an application holds
 * the term (see workflow/hold.ts), and after any decision at least `graceAfterDecisionWorkingDays`
 * (3 working days) of it remain.
 */
import { addWorkingDays } from '../../workflow/policy/calendar.js';
import { addDuration } from '../../workflow/policy/duration.js';
import type { Policy } from '../../workflow/policy/policy.js';
import type { CustomerRule } from '../customer.machine.js';

/** A running term after a decision (or an unlock, T4): at least the grace remains of it. */
export function graceAfterDecision(deadlineAt: Date | null, now: Date, policy: Policy): Date | null {
  const days = policy.customer.graceAfterDecisionWorkingDays;
  if (!deadlineAt || days === 0) return deadlineAt;
  const grace = addWorkingDays(now, days, policy.calendar);
  return deadlineAt > grace ? deadlineAt : grace;
}

/** The application an APPLICATION_OPENED / decision event is about. */
function applicationOf(event: Record<string, unknown>): string | null {
  return typeof event.applicationId === 'string' ? event.applicationId : null;
}

export const p2ProspectTerm: CustomerRule = {
  code: 'P2',
  title: 'A prospect is protected for 30 days from entry; a pending application holds the term, and 3 working days remain after any decision',
  policyKeys: ['customer.prospectTerm', 'customer.graceAfterDecisionWorkingDays', 'calendar'],
  terms: {
    prospectTerm: (start, policy) => addDuration(start, policy.customer.prospectTerm),
  },
  guards: {
    isSystem: {
      check: ({ event }) => event.actor.kind === 'system',
      refusal: { code: 'FORBIDDEN', message: 'Only the deadline sweeper does this', who: ['system'] },
    },
  },
  actions: {
    releaseCustody: () => ({ custodianId: null }),
    // The engine keeps the deadline while `heldBy` lists anyone (workflow/hold.ts).
    holdTerm: ({ context, event }) => {
      const id = applicationOf(event);
      const held = context.heldBy ?? [];
      return { heldBy: id && !held.includes(id) ? [...held, id] : held };
    },
    releaseHold: ({ context, event }) => ({ heldBy: (context.heldBy ?? []).filter((id) => id !== applicationOf(event)) }),
  },
  effects: {
    // Protection approved: the term that started at entry runs on (not a fresh one from now).
    async termFromEntry({ row, policy }) {
      return { deadlineAt: addDuration(row.createdAt, policy.customer.prospectTerm) };
    },
    // After any decision at least the grace remains of whatever term runs.
    async resumeTerm({ deadlineAt, now, policy }) {
      return { deadlineAt: graceAfterDecision(deadlineAt, now, policy) };
    },
  },
};
