/**
 * P5: cool-downs. The custodian may abandon a prospect or intent customer (reason required); it
 * goes to the pool and the same person cannot claim it again for `abandonCoolDown` (3 days). A
 * customer whose term ended (TERM_EXPIRED, or INACTIVITY_EXPIRED: T3) or whose rejection lapsed (REJECTION_LAPSED) may not be
 * claimed by its former custodian for `expiryCoolDown` (3 days): the pool cannot be defeated by
 * re-claiming one's own customer the moment it falls. A manager cannot transfer a customer to a
 * person inside either cool-down. Refusals say until when (`extensions.until`).
 *
 * The expiry cool-down is read from history (the expiry's row names the former custodian), so a
 * deadline fires without an effect and the sweeper stays set-based.
 */
import { sql, type SQL } from 'drizzle-orm';
import { coolDowns, transitions } from '../../platform/db/schema.js';
import { isoTimestamp, selectValue } from '../../platform/db/sql.js';
import { addDuration } from '../../workflow/policy/duration.js';
import type { Policy } from '../../workflow/policy/policy.js';
import type { CustomerRule } from '../customer.machine.js';

/** The deadline events after which the former custodian cools down. */
const EXPIRIES = ['TERM_EXPIRED', 'REJECTION_LAPSED', 'INACTIVITY_EXPIRED'];

/** Until when `user` may not take `customer` at `now` (either cool-down), as ISO text or null. */
function coolDownUntil(customer: SQL, user: SQL, now: SQL, policy: Policy): SQL {
  const abandoned = sql`(select max(${coolDowns.until}) from ${coolDowns} where ${coolDowns.userId} = ${user} and ${coolDowns.customerId} = ${customer})`;
  const expired = sql`(select max(${transitions.createdAt}) + ${policy.customer.expiryCoolDown}::interval from ${transitions}
    where ${transitions.entityId} = ${customer} and ${transitions.event} in (${sql.join(
      EXPIRIES.map((e) => sql`${e}`),
      sql`, `,
    )}) and ${transitions.payload} -> 'changes' -> 'custodianId' ->> 0 = (${user})::text)`;
  const until = sql`greatest(${abandoned}, ${expired})`;
  return sql`case when ${until} > ${now} then ${isoTimestamp(until)} end`;
}

export const p5CoolDown: CustomerRule = {
  code: 'P5',
  title: 'Abandoning, or a term that ends, keeps the former custodian from claiming the customer for 3 days',
  policyKeys: ['customer.abandonCoolDown', 'customer.expiryCoolDown'],
  guards: {
    notCoolingDown: {
      check: ({ event }) => event.facts.coolingDownUntil === null,
      refusal: {
        code: 'ILLEGAL_TRANSITION',
        message: 'You held this customer until recently (abandoned, or its term ended); the cool-down is still running',
      },
      details: ({ facts }) => ({ until: facts.coolingDownUntil }),
    },
    targetNotCoolingDown: {
      check: ({ event }) => event.facts.targetCoolingDownUntil === null,
      onInput: true,
      refusal: {
        code: 'ILLEGAL_TRANSITION',
        message: 'The new custodian held this customer until recently; their cool-down is still running',
      },
      details: ({ facts }) => ({ until: facts.targetCoolingDownUntil }),
    },
  },
  facts: [
    {
      defaults: { coolingDownUntil: null },
      events: ['CLAIM'],
      // Read in the statement that reads (or locks) the customer: it needs only the ids and the time.
      select: ({ id, actorId, now, policy }) => sql`jsonb_build_object('coolingDownUntil', ${coolDownUntil(id, actorId, now, policy)})`,
    },
    {
      defaults: { targetCoolingDownUntil: null },
      events: ['TRANSFER', 'ASSIGN'],
      async load({ executor, row, event, now, policy }) {
        if (typeof event.toUserId !== 'string') return { targetCoolingDownUntil: null };
        const until = coolDownUntil(sql`${row.id}::uuid`, sql`${event.toUserId}::uuid`, sql`${now.toISOString()}::timestamptz`, policy);
        return { targetCoolingDownUntil: await selectValue(executor, until, String) };
      },
    },
  ],
  effects: {
    async startCoolDown({ tx, row, actor, now, policy }) {
      if (actor.kind !== 'user') return;
      await tx.insert(coolDowns).values({ userId: actor.id, customerId: row.id, until: addDuration(now, policy.customer.abandonCoolDown), createdAt: now });
    },
  },
};
