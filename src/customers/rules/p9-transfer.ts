/**
 * P9: a manager may transfer custody (reason required) to an active salesperson, or to an
 * after-sales person for a formal customer; contacts and history move with the customer.
 */
import { eq } from 'drizzle-orm';
import { users } from '../../platform/db/schema.js';
import { actorHasRole } from '../../workflow/actor.js';
import type { CustomerRule } from '../customer.machine.js';
import { isDepartureTransfer } from './t7-hand-over.js';

export const p9Transfer: CustomerRule = {
  code: 'P9',
  title: 'A manager transfers custody, with a reason, to an active salesperson (after-sales for a formal customer)',
  guards: {
    isManager: {
      // T7: an admin handing over a departing user's customers transfers them too.
      check: ({ event }) => actorHasRole(event.actor, 'MANAGER') || isDepartureTransfer(event),
      refusal: { code: 'FORBIDDEN', message: 'Only a manager can transfer custody', who: ['MANAGER'] },
    },
    targetEligible: {
      check: ({ event }) => event.facts.targetEligible,
      onInput: true,
      refusal: {
        code: 'BAD_USER_INPUT',
        message: 'The new custodian must be an active salesperson (after-sales for a formal customer)',
        field: 'toUserId',
      },
    },
  },
  facts: {
    defaults: { targetEligible: false },
    events: ['TRANSFER', 'ASSIGN'],
    async load({ executor, row, event }) {
      if (typeof event.toUserId !== 'string') return { targetEligible: false };
      const [target] = await executor.select({ active: users.active, roles: users.roles }).from(users).where(eq(users.id, event.toUserId));
      const roles = target?.roles ?? [];
      return { targetEligible: !!target?.active && (roles.includes('SALES') || (row.stage === 'FORMAL' && roles.includes('AFTER_SALES'))) };
    },
  },
  actions: {
    transferCustody: ({ event }) => ({ custodianId: typeof event.toUserId === 'string' ? event.toUserId : null }),
  },
};
