/**
 * P4: an approved intent conversion starts the intent term (`intentTerm`, 15 days), and never
 * shortens protection: the intent term ends at the later of the running term and now + intentTerm.
 */
import { addDuration } from '../../workflow/policy/duration.js';
import type { CustomerRule } from '../customer.machine.js';

export const p4IntentTerm: CustomerRule = {
  code: 'P4',
  title: 'An approved intent conversion starts a 15-day intent term, never ending before the running term',
  policyKeys: ['customer.intentTerm'],
  terms: {
    intentTerm: (start, policy) => addDuration(start, policy.customer.intentTerm),
  },
  effects: {
    // The running term (e.g. an extended prospect term, P3) is kept when it ends later.
    async keepLongerTerm({ row, now, deadlineAt }) {
      const running = row.deadlineAt && row.deadlineAt > now ? row.deadlineAt : null;
      return { deadlineAt: running && (!deadlineAt || running > deadlineAt) ? running : deadlineAt };
    },
  },
};
