/**
 * P7: any salesperson may claim a pool customer and protects it at once (no audit) with a fresh
 * prospect term, subject to P5's cool-down, an optional cap on how many customers one person
 * holds (`maxCustomersPerSales`; formal ones count when `capCountsFormal`) and an optional daily
 * claim limit (`dailyClaimLimit`, days in the calendar's time zone).
 */
import { and, count, eq, gte, inArray } from 'drizzle-orm';
import { customers, transitions, users, type Stage } from '../../platform/db/schema.js';
import { actorHasRole } from '../../workflow/actor.js';
import type { FactsRequest } from '../../workflow/definition.js';
import { startOfLocalDay } from '../../workflow/policy/calendar.js';
import type { Policy } from '../../workflow/policy/policy.js';
import type { CustomerRow } from '../../platform/db/schema.js';
import { stageOf, type CustomerRule } from '../customer.machine.js';

/** Stages that count as holding a customer (the P7 cap). */
function holdingStages(policy: Policy): Stage[] {
  return policy.customer.capCountsFormal ? ['PROSPECT', 'INTENT', 'FORMAL'] : ['PROSPECT', 'INTENT'];
}

/** The actor's holdings and claims today against the caps; `lock`: before a claim (not when only offering it). */
async function caps(request: Omit<FactsRequest<CustomerRow>, 'row' | 'event'>, lock: boolean) {
  const { executor, actor, now, policy, read } = request;
  const p = policy.customer;
  if (p.maxCustomersPerSales === null && p.dailyClaimLimit === null) return { maxHolding: null, dailyClaimLimit: null };
  // Serialise one person's claims, so simultaneous claims cannot all pass the cap. Locks only
  // that person's user row: other people's claims are not affected.
  if (lock)
    await executor
      .select({ id: users.id })
      .from(users)
      .where(eq(users.id, actor.id ?? ''))
      .for('update');
  let holding = 0;
  if (p.maxCustomersPerSales !== null) {
    // Held now: a protection past its deadline no longer counts, even before the sweep.
    const stage = read.derived(now, stageOf);
    const [h] = await executor
      .select({ n: count() })
      .from(customers)
      .where(and(eq(customers.custodianId, actor.id ?? ''), inArray(stage, holdingStages(policy))));
    holding = h?.n ?? 0;
  }
  let claimsToday = 0;
  if (p.dailyClaimLimit !== null) {
    const since = startOfLocalDay(now, policy.calendar.timeZone);
    const [c] = await executor
      .select({ n: count() })
      .from(transitions)
      .where(and(eq(transitions.actorId, actor.id ?? ''), eq(transitions.event, 'CLAIM'), gte(transitions.createdAt, since)));
    claimsToday = c?.n ?? 0;
  }
  return { holding, maxHolding: p.maxCustomersPerSales, claimsToday, dailyClaimLimit: p.dailyClaimLimit };
}

export const p7ClaimFromPool: CustomerRule = {
  code: 'P7',
  title: 'A salesperson claims a pool customer and protects it at once, within the holding cap and daily claim limit',
  policyKeys: ['customer.maxCustomersPerSales', 'customer.capCountsFormal', 'customer.dailyClaimLimit'],
  guards: {
    isSales: {
      check: ({ event }) => actorHasRole(event.actor, 'SALES'),
      refusal: { code: 'FORBIDDEN', message: 'Only a salesperson can claim a customer', who: ['SALES'] },
    },
    underHoldingCap: {
      check: ({ event }) => event.facts.maxHolding === null || event.facts.holding < event.facts.maxHolding,
      refusal: { code: 'ILLEGAL_TRANSITION', message: 'You already hold as many customers as the policy allows' },
    },
    underDailyClaimLimit: {
      check: ({ event }) => event.facts.dailyClaimLimit === null || event.facts.claimsToday < event.facts.dailyClaimLimit,
      refusal: { code: 'ILLEGAL_TRANSITION', message: 'You have reached the daily claim limit' },
    },
  },
  facts: {
    defaults: { holding: 0, maxHolding: null, claimsToday: 0, dailyClaimLimit: null },
    events: ['CLAIM'],
    // Off by default: then a claim needs no lock beyond its own row's version.
    when: (policy) => policy.customer.maxCustomersPerSales !== null || policy.customer.dailyClaimLimit !== null,
    load: (request) => caps(request, true),
    // A pool page: the caps are the actor's, the same for every row (read once, nothing locked).
    async loadMany(request) {
      const facts = await caps(request, false);
      return new Map(request.rows.map((r) => [r.id, facts]));
    },
  },
  actions: {
    takeCustody: ({ event }) => ({ custodianId: event.actor.kind === 'user' ? event.actor.id : null }),
  },
};
