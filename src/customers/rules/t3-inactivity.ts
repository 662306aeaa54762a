/**
 * T3: besides its terms, a protected or intent customer with no follow-up for
 * `customer.inactivityTerm` falls to the pool (INACTIVITY_EXPIRED); off (`null`) by default. A
 * level may have its own term (`customer.inactivityByLevel`, e.g. `{ "VIP": "P30D", "SMALL": "P7D" }`).
 *
 * The inactivity clock starts at the customer's last change (its entry, a claim, a transfer, an
 * approval, an unlock, an edit: `updated_at`) or its last follow-up (`last_follow_up_at`),
 * whichever is later. A held customer (a pending application, P2, or a lock, T4) is exempt: it
 * has no running deadline. P5's expiry cool-down applies to the former custodian as after a term.
 *
 * Mechanism: the engine keeps one deadline per row (the state's term). Before each sweep fires,
 * one statement *arms* the inactivity deadline of every running row whose inactivity has ended
 * before its term: its deadline becomes that moment with event INACTIVITY_EXPIRED. Armed rows are
 * due at once, so the same sweep fires them set-based like any deadline (one statement per batch,
 * history rows with their own event), and from the moment they are armed reads show them in the
 * pool. Nothing is armed before it is due, so the term deadline is never hidden from anyone; a
 * follow-up only moves `last_follow_up_at` and never touches the customer's version.
 */
import { sql } from 'drizzle-orm';
import { resultRows, type Executor } from '../../platform/db/client.js';
import { customers } from '../../platform/db/schema.js';
import type { Policy } from '../../workflow/policy/policy.js';
import type { CustomerRule } from '../customer.machine.js';

/** The deadline event of inactivity (the customer machine accepts it from the sweeper in these states). */
export const INACTIVITY_EXPIRED = 'INACTIVITY_EXPIRED';
const RUNNING_STATES = ['prospect.protected', 'intent'];

/**
 * Arms the inactivity deadline of every customer whose inactivity has ended at `now`, before its
 * term, in one statement; returns how many (0 and no statement while the policy turns T3 off).
 */
export async function armInactivity(executor: Executor, now: Date, policy: Policy): Promise<number> {
  const { inactivityTerm, inactivityByLevel } = policy.customer;
  const levels = Object.entries(inactivityByLevel);
  if (inactivityTerm === null && levels.every(([, t]) => t === null)) return 0;
  const c = customers;
  // A level's own term over the global one (null: never for that level, or none at all).
  const byLevel = levels.map(([level, t]) => sql`when ${level} then ${t}::interval`);
  const term =
    levels.length === 0 ? sql`${inactivityTerm}::interval` : sql`(case ${c.level} ${sql.join(byLevel, sql` `)} else ${inactivityTerm}::interval end)`;
  const ends = sql`(greatest(${c.updatedAt}, coalesce(${c.lastFollowUpAt}, ${c.updatedAt})) + ${term})`;
  const result = await executor.execute(sql`
    update ${c} set deadline_at = ${ends}, deadline_event = ${INACTIVITY_EXPIRED}
    where ${c.state} in (${sql.join(
      RUNNING_STATES.map((s) => sql`${s}`),
      sql`, `,
    )})
      and ${c.deadlineEvent} = 'TERM_EXPIRED' and ${c.deadlineAt} is not null
      and ${ends} is not null and ${ends} <= ${now.toISOString()}::timestamptz and ${ends} < ${c.deadlineAt}
    returning ${c.id}`);
  return resultRows(result).length;
}

export const t3Inactivity: CustomerRule = {
  code: 'T3',
  title: 'A protected customer with no follow-up for the inactivity term falls to the pool (off by default)',
  policyKeys: ['customer.inactivityTerm', 'customer.inactivityByLevel', 'customer.expiryCoolDown'],
};
