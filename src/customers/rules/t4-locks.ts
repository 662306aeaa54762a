/**
 * T4: a locked customer (锁定) is exempt from timed return; locks are capped per person.
 *
 * Who may lock (and unlock) a protected or intent customer is policy (`customer.lock.by`: its
 * custodian, any manager, or either — the default); the person who locked may always unlock. A
 * reason is required to lock. One person keeps at most `customer.lock.maxPerUser` customers
 * locked at once (5 by default, `null` = no cap), counted behind a lock of that person's user
 * row, so simultaneous locks cannot all pass the cap (like P7's holding cap).
 *
 * A lock *holds* the term exactly as a pending application does (workflow/hold.ts): the holder
 * `lock:<userId>` joins the context's `heldBy`, the engine keeps the deadline in the context and
 * writes none, so no sweep and no projection can return the customer to the pool. UNLOCK
 * releases it with P2's grace (at least `graceAfterDecisionWorkingDays` of the term remain). An
 * intent conversion carries the lock into `intent`; abandoning, a transfer (which gets the same
 * grace) and a signed contract clear it, and any other change of state drops it with the holds.
 */
import { count, eq, sql } from 'drizzle-orm';
import { customers, users } from '../../platform/db/schema.js';
import type { Executor } from '../../platform/db/client.js';
import { actorHasRole, type Actor } from '../../workflow/actor.js';
import type { Policy } from '../../workflow/policy/policy.js';
import type { CustomerContext, CustomerRule } from '../customer.machine.js';
import { holdersOf } from '../../workflow/hold.js';
import { graceAfterDecision } from './p2-prospect-term.js';

/** The holder a person's lock puts in `heldBy`. */
export const lockHolder = (userId: string): string => `lock:${userId}`;

const isLockHolder = (holder: string): boolean => holder.startsWith('lock:');

/** The customer's lock, when one holds it now (a lock whose hold was dropped, e.g. by a migration, is none). */
export function lockOf(context: CustomerContext): { by: string; reason: string | null; at: string } | null {
  const lock = context.lock;
  return lock && (context.heldBy ?? []).includes(lockHolder(lock.by)) ? lock : null;
}

/** Whether the policy lets `actor` lock or unlock a customer held by `custodianId`. */
function mayLock(actor: Actor, custodianId: string | null, by: Policy['customer']['lock']['by']): boolean {
  if (actor.kind !== 'user') return false;
  const custodian = by !== 'MANAGER' && actor.id === custodianId;
  return custodian || (by !== 'CUSTODIAN' && actorHasRole(actor, 'MANAGER'));
}

/** How many customers `userId` keeps locked now. */
async function locksHeld(executor: Executor, userId: string): Promise<number> {
  const holder = JSON.stringify([lockHolder(userId)]);
  const [row] = await executor
    .select({ n: count() })
    .from(customers)
    .where(sql`${customers.snapshot} -> 'context' -> 'heldBy' @> ${holder}::jsonb`);
  return row?.n ?? 0;
}

/** The actor's locks against the cap; `lock`: before a LOCK (not when only offering it). */
async function lockFacts(executor: Executor, actor: Actor, policy: Policy, lock: boolean) {
  const { by, maxPerUser } = policy.customer.lock;
  if (actor.kind !== 'user' || maxPerUser === null) return { lockBy: by, locksHeld: 0, maxLocks: maxPerUser };
  // Serialise one person's locks (only that person's user row), so simultaneous locks cannot all pass the cap.
  if (lock) await executor.select({ id: users.id }).from(users).where(eq(users.id, actor.id)).for('update');
  return { lockBy: by, locksHeld: await locksHeld(executor, actor.id), maxLocks: maxPerUser };
}

export const t4Locks: CustomerRule = {
  code: 'T4',
  title: 'A locked customer (锁定) is exempt from timed return; locks are capped per person',
  policyKeys: ['customer.lock.by', 'customer.lock.maxPerUser', 'customer.graceAfterDecisionWorkingDays'],
  guards: {
    mayLock: {
      check: ({ context, event }) => mayLock(event.actor, context.custodianId, event.facts.lockBy),
      refusal: { code: 'FORBIDDEN', message: 'Only the custodian or a manager (as the policy says) can lock this customer', who: ['custodian', 'MANAGER'] },
    },
    notLocked: {
      check: ({ context }) => lockOf(context) === null,
      refusal: { code: 'ILLEGAL_TRANSITION', message: 'This customer is locked already' },
    },
    underLockCap: {
      check: ({ event }) => event.facts.maxLocks === null || event.facts.locksHeld < event.facts.maxLocks,
      refusal: { code: 'ILLEGAL_TRANSITION', message: 'You already keep as many customers locked as the policy allows' },
      details: ({ facts }) => ({ maxLocks: facts.maxLocks }),
    },
    isLocked: {
      check: ({ context }) => lockOf(context) !== null,
      refusal: { code: 'ILLEGAL_TRANSITION', message: 'This customer is not locked' },
    },
    mayUnlock: {
      check: ({ context, event }) =>
        (event.actor.kind === 'user' && lockOf(context)?.by === event.actor.id) || mayLock(event.actor, context.custodianId, event.facts.lockBy),
      refusal: {
        code: 'FORBIDDEN',
        message: 'Only who locked it, the custodian or a manager (as the policy says) can unlock this customer',
        who: ['custodian', 'MANAGER'],
      },
    },
  },
  facts: {
    defaults: { lockBy: 'CUSTODIAN_OR_MANAGER', locksHeld: 0, maxLocks: null },
    events: ['LOCK', 'UNLOCK'],
    load: ({ executor, actor, event, policy }) => lockFacts(executor, actor, policy, event.type === 'LOCK'),
    // A list: the actor's locks are the same for every row (read once, nothing locked).
    async loadMany({ executor, rows, actor, policy }) {
      const facts = await lockFacts(executor, actor, policy, false);
      return new Map(rows.map((r) => [r.id, facts]));
    },
  },
  actions: {
    // The engine keeps the deadline while `heldBy` lists anyone (workflow/hold.ts).
    takeLock: ({ context, event }) => {
      const by = event.actor.kind === 'user' ? event.actor.id : '';
      const reason = typeof event.reason === 'string' ? event.reason.trim() : null;
      return { heldBy: [...(context.heldBy ?? []), lockHolder(by)], lock: { by, reason, at: event.at ?? '' } };
    },
    clearLock: ({ context }) => ({ heldBy: (context.heldBy ?? []).filter((h) => !isLockHolder(h)), lock: null }),
    // An intent conversion keeps the lock (holds are otherwise dropped with the state they were taken in).
    carryLock: ({ context }) => ({ carriedHolds: (context.heldBy ?? []).filter(isLockHolder) }),
  },
  effects: {
    // A transfer that clears a lock resumes the term with P2's grace, as an unlock does.
    async graceAfterLock({ row, deadlineAt, now, policy }) {
      if (!holdersOf(row.snapshot).some(isLockHolder)) return { deadlineAt };
      return { deadlineAt: graceAfterDecision(deadlineAt, now, policy) };
    },
  },
};
