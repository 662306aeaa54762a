/**
 * P10: every change of state or custody is recorded — who, when, which event, from which state
 * to which, and why: the events that need a reason refuse without one (at least 2 characters).
 */
import { hasReason } from '../../workflow/reason.js';
import type { CustomerRule } from '../customer.machine.js';

export const p10ReasonRecorded: CustomerRule = {
  code: 'P10',
  title: 'Every change is recorded with who, when, what and why; abandon and transfer need a reason',
  guards: {
    hasReason: {
      check: ({ event }) => hasReason(event),
      refusal: { code: 'BAD_USER_INPUT', message: 'A reason is required', field: 'reason' },
    },
  },
};
