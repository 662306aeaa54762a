/**
 * P3: an approved extension (时间加权) lengthens the running term by the approved extension
 * (default `extensionTerm`, 15 days), counted from the later of the current deadline and now.
 */
import { addDuration } from '../../workflow/policy/duration.js';
import type { CustomerRule } from '../customer.machine.js';

export const p3Extension: CustomerRule = {
  code: 'P3',
  title: 'An approved extension lengthens the running term (default 15 days)',
  policyKeys: ['customer.extensionTerm', 'customer.maxExtensionTerm'],
  effects: {
    async extendDeadline({ event, policy, now, deadlineAt }) {
      const extension = typeof event.extension === 'string' ? event.extension : policy.customer.extensionTerm;
      return { deadlineAt: addDuration(deadlineAt && deadlineAt > now ? deadlineAt : now, extension) };
    },
  },
};
