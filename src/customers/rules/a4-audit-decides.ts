/**
 * A4: the effect of an audit decision on the customer (protection effective or rejected, intent
 * term started, term extended) is sent only by the decision, in the decision's transaction.
 */
import type { CustomerRule } from '../customer.machine.js';

export const a4AuditDecides: CustomerRule = {
  code: 'A4',
  title: 'Only an audit decision moves the customer on an application, in the same transaction',
  guards: {
    viaApplication: {
      check: ({ event }) => event.via === 'application',
      refusal: { code: 'FORBIDDEN', message: 'Only an audit decision does this', who: ['AUDITOR (audit decision)'] },
    },
  },
};
