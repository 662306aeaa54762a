/** P4: an approved intent conversion starts the intent term (`intentTerm`, 15 days). */
import { addDuration } from '../../workflow/policy/duration.js';
import type { CustomerRule } from '../customer.machine.js';

export const p4IntentTerm: CustomerRule = {
  code: 'P4',
  title: 'An approved intent conversion starts a 15-day intent term',
  policyKeys: ['customer.intentTerm'],
  terms: {
    intentTerm: (start, policy) => addDuration(start, policy.customer.intentTerm),
  },
};
