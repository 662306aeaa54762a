/**
 * P1: a new customer is a prospect pending audit in its creator's custody; a rejected one may be
 * corrected and resubmitted, and if it is still rejected 3 working days after the rejection,
 * custody ends and it goes to the pool (`rejectionRelease` term → REJECTION_LAPSED).
 */
import { addWorkingDays } from '../../workflow/policy/calendar.js';
import type { CustomerRule } from '../customer.machine.js';

export const p1ProtectionAudit: CustomerRule = {
  code: 'P1',
  title: 'A new customer waits for audit; a rejection not resubmitted within 3 working days releases it to the pool',
  policyKeys: ['customer.rejectionReleaseWorkingDays', 'calendar'],
  terms: {
    rejectionRelease: (start, policy) => addWorkingDays(start, policy.customer.rejectionReleaseWorkingDays, policy.calendar),
  },
};
