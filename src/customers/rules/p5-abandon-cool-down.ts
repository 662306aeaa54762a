/**
 * P5: the custodian may abandon a prospect or intent customer (reason required); it goes to the
 * pool and the same person cannot protect it again for the cool-down (`abandonCoolDown`, 3 days).
 */
import { and, eq, gt, sql } from 'drizzle-orm';
import { coolDowns } from '../../platform/db/schema.js';
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
    async load({ executor, row, actor, now }) {
      const [cool] = await executor
        .select({ until: sql<string>`max(${coolDowns.until})` })
        .from(coolDowns)
        .where(and(eq(coolDowns.userId, actor.id ?? ''), eq(coolDowns.customerId, row.id), gt(coolDowns.until, now)));
      return { coolingDownUntil: cool?.until ? new Date(cool.until).toISOString() : null };
    },
  },
  effects: {
    async startCoolDown({ tx, row, actor, now, policy }) {
      if (actor.kind !== 'user') return;
      await tx.insert(coolDowns).values({ userId: actor.id, customerId: row.id, until: addDuration(now, policy.customer.abandonCoolDown), createdAt: now });
    },
  },
};
