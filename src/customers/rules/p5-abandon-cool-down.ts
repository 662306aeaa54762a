/**
 * P5: the custodian may abandon a prospect or intent customer (reason required); it goes to the
 * pool and the same person cannot protect it again for the cool-down (`abandonCoolDown`, 3 days).
 */
import { sql } from 'drizzle-orm';
import { coolDowns } from '../../platform/db/schema.js';
import { isoTimestamp } from '../../platform/db/sql.js';
import { addDuration } from '../../workflow/policy/duration.js';
import type { CustomerRule } from '../customer.machine.js';

export const p5AbandonCoolDown: CustomerRule = {
  code: 'P5',
  title: 'Abandoning puts the customer in the pool and a 3-day cool-down on the same salesperson',
  policyKeys: ['customer.abandonCoolDown'],
  guards: {
    notCoolingDown: {
      check: ({ event }) => event.facts.coolingDownUntil === null,
      refusal: { code: 'ILLEGAL_TRANSITION', message: 'You abandoned this customer recently; the cool-down is still running' },
    },
  },
  facts: {
    defaults: { coolingDownUntil: null },
    events: ['CLAIM'],
    // Read in the statement that locks the customer (it needs only the customer's id).
    select: ({ id, actorId, now }) =>
      sql`(select jsonb_build_object('coolingDownUntil', ${isoTimestamp(sql`max(${coolDowns.until})`)}) from ${coolDowns}
           where ${coolDowns.userId} = ${actorId} and ${coolDowns.customerId} = ${id} and ${coolDowns.until} > ${now})`,
  },
  effects: {
    async startCoolDown({ tx, row, actor, now, policy }) {
      if (actor.kind !== 'user') return;
      await tx.insert(coolDowns).values({ userId: actor.id, customerId: row.id, until: addDuration(now, policy.customer.abandonCoolDown), createdAt: now });
    },
  },
};
