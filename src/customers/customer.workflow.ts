/** The customer machine bound to its table, facts and effects: what the engine runs. */
import { and, count, eq, gt, gte, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../platform/db/client.js';
import { coolDowns, customers, transitions, users, type CustomerRow, type Stage } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import type { Actor } from '../workflow/actor.js';
import { versioned, type WorkflowDefinition } from '../workflow/engine.js';
import { startOfLocalDay } from '../workflow/policy/calendar.js';
import { addDuration } from '../workflow/policy/duration.js';
import type { Policy } from '../workflow/policy/policy.js';
import { customerGuardRules, customerDocument, customerImplementation, NO_FACTS, type CustomerFacts } from './customer.machine.js';

export function stageOf(state: string): Stage {
  const top = state.split('.')[0];
  switch (top) {
    case 'pool':
      return 'POOL';
    case 'intent':
      return 'INTENT';
    case 'formal':
      return 'FORMAL';
    default:
      return 'PROSPECT';
  }
}

/** Stages that count as holding a customer (P7 cap). */
export function holdingStages(policy: Policy): Stage[] {
  return policy.customer.capCountsFormal ? ['PROSPECT', 'INTENT', 'FORMAL'] : ['PROSPECT', 'INTENT'];
}

export function customerWorkflow(clock: Clock, policy: () => Policy): WorkflowDefinition<CustomerRow, CustomerFacts> {
  return versioned({
    name: 'customer',
    entityType: 'customer',
    document: customerDocument,
    implementation: customerImplementation,
    invariants: {
      requiredStates: ['pool', 'prospect.pendingAudit', 'prospect.rejected', 'prospect.protected', 'intent', 'formal'],
      initialState: 'prospect.pendingAudit',
      requiredEvents: {
        CLAIM: ['pool'],
        ABANDON: [],
        TRANSFER: [],
        RESUBMIT: ['prospect.rejected'],
        PROTECTION_APPROVED: ['prospect.pendingAudit'],
        PROTECTION_REJECTED: ['prospect.pendingAudit'],
        INTENT_APPROVED: ['prospect.protected'],
        EXTENSION_APPROVED: ['prospect.protected', 'intent'],
        CONTRACT_SIGNED: ['intent', 'formal'],
      },
      unreachable: [{ from: 'formal', to: 'pool', rule: 'P6' }],
    },
    dedicated: { CLAIM: 'claimCustomer', ABANDON: 'abandonCustomer', TRANSFER: 'transferCustomer', RESUBMIT: 'resubmitProtection' },
    table: customers,
    guardRules: customerGuardRules,
    noFacts: NO_FACTS,
    derive: (snapshot, state) => ({
      custodianId: (snapshot.context as { custodianId: string | null }).custodianId,
      stage: stageOf(state),
    }),
    async facts(executor: Executor, row: CustomerRow, actor: Actor, event) {
      if (actor.kind !== 'user') return NO_FACTS;
      const p = policy().customer;
      const now = clock();
      const [cool] = await executor
        .select({ until: sql<string>`max(${coolDowns.until})` })
        .from(coolDowns)
        .where(and(eq(coolDowns.userId, actor.id), eq(coolDowns.customerId, row.id), gt(coolDowns.until, now)));
      if ((p.maxCustomersPerSales !== null || p.dailyClaimLimit !== null) && (event.type === 'CLAIM' || event.type === 'TRANSFER')) {
        // P7: serialise one person's claims, so simultaneous claims cannot all pass the cap.
        // Locks only the claimer's user row: other people's claims are not affected.
        const who = event.type === 'TRANSFER' && typeof event.toUserId === 'string' ? event.toUserId : actor.id;
        await executor.select({ id: users.id }).from(users).where(eq(users.id, who)).for('update');
      }
      let holding = 0;
      if (p.maxCustomersPerSales !== null) {
        // Held now: a protection past its deadline no longer counts, even before the sweep.
        const [h] = await executor
          .select({ n: count() })
          .from(customers)
          .where(
            and(
              eq(customers.custodianId, actor.id),
              inArray(customers.stage, holdingStages(policy())),
              sql`not (${customers.deadlineAt} is not null and ${customers.deadlineAt} <= ${now.toISOString()}::timestamptz)`,
            ),
          );
        holding = h?.n ?? 0;
      }
      let claimsToday = 0;
      if (p.dailyClaimLimit !== null) {
        const [c] = await executor
          .select({ n: count() })
          .from(transitions)
          .where(and(eq(transitions.actorId, actor.id), eq(transitions.event, 'CLAIM'), gte(transitions.createdAt, startOfLocalDay(now, policy().calendar.timeZone))));
        claimsToday = c?.n ?? 0;
      }
      let targetEligible = false;
      if (event.type === 'TRANSFER' && typeof event.toUserId === 'string') {
        const [target] = await executor.select().from(users).where(eq(users.id, event.toUserId));
        const roles = target?.roles ?? [];
        targetEligible = !!target?.active && (roles.includes('SALES') || (row.stage === 'FORMAL' && roles.includes('AFTER_SALES')));
      }
      return {
        coolingDownUntil: cool?.until ? new Date(cool.until).toISOString() : null,
        holding,
        maxHolding: p.maxCustomersPerSales,
        claimsToday,
        dailyClaimLimit: p.dailyClaimLimit,
        targetEligible,
      };
    },
    effects: {
      /** P5: the abandoner may not protect this customer again for the cool-down. */
      async startCoolDown({ tx, row, actor, now, policy: pol }) {
        if (actor.kind !== 'user') return;
        await tx.insert(coolDowns).values({ userId: actor.id, customerId: row.id, until: addDuration(now, pol.customer.abandonCoolDown), createdAt: now });
      },
    },
  });
}
