/**
 * F6: a next contact time is a follow-up plan with a lifecycle. `planned` ends at the next
 * contact time itself (`nextContactTime`: the plan's `due_at`, which the service gives the new
 * row as its deadline), `due` after `followUp.grace`, `overdue` after `followUp.escalateAfter`;
 * only the sweeper sends those deadline events. None of them reads the row, so the sweeper fires
 * them set-based.
 */
import { addDuration } from '../../workflow/policy/duration.js';
import type { FollowUpPlanRule } from '../follow-up-plan.machine.js';

export const f6FollowUpPlan: FollowUpPlanRule = {
  code: 'F6',
  title: 'A next contact time is a follow-up plan: planned, due, overdue, escalated to the custodian’s managers, done when a follow-up is logged',
  policyKeys: ['followUp.grace', 'followUp.escalateAfter', 'followUp.onCustodyChange'],
  terms: {
    // The row's deadline is its due_at, set when the plan opens (follow-up-plan.service.ts); a
    // state entered later under this term (a designer's version) is due at once.
    nextContactTime: (start) => start,
    grace: (start, policy) => addDuration(start, policy.followUp.grace),
    escalateAfter: (start, policy) => addDuration(start, policy.followUp.escalateAfter),
  },
  guards: {
    isSystem: {
      check: ({ event }) => event.actor.kind === 'system',
      refusal: { code: 'FORBIDDEN', message: 'Only the system does this (the deadline sweeper, a custody change)', who: ['system'] },
    },
    // DONE: a follow-up was logged (addFollowUp sends it with the follow-up's id).
    byFollowUp: {
      check: ({ event }) => event.actor.kind === 'user' && typeof event.followUpId === 'string',
      refusal: { code: 'FORBIDDEN', message: 'A plan is done when a follow-up is logged (addFollowUp)', who: ['the author of a follow-up'] },
    },
  },
};
