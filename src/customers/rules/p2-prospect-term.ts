/**
 * P2: a prospect is protected for 30 days (`prospectTerm`); when a term passes, the sweeper
 * (and only the sweeper) sends the deadline event and custody ends: the customer is in the pool.
 */
import { addDuration } from '../../workflow/policy/duration.js';
import type { CustomerRule } from '../customer.machine.js';

export const p2ProspectTerm: CustomerRule = {
  code: 'P2',
  title: 'A prospect is protected for 30 days; when a term passes, custody ends and the customer is in the pool',
  policyKeys: ['customer.prospectTerm'],
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
  },
};
