/**
 * T1: a manager whose scope is DEPARTMENT works only on the contracts of customers held by the
 * users of their department's subtree (or held by nobody): editing, confirming, voiding,
 * payments and termination alike. Everyone else is not limited by it (C1 says who works on a
 * contract). Read in the statement that reads the contract, so a list's availableActions and a
 * sent event decide alike.
 */
import { sql } from 'drizzle-orm';
import { contracts, customers } from '../../platform/db/schema.js';
import { reachesUser } from '../../users/department.service.js';
import type { ContractRule } from '../contract.machine.js';

/** The custodian of the contract's customer (by the contract's id, in the statement that reads it). */
const custodianOf = (id: unknown) =>
  sql`(select reach_customer.custodian_id from ${customers} as reach_customer
        join ${contracts} as reach_contract on reach_contract.customer_id = reach_customer.id where reach_contract.id = ${id})`;

export const t1DepartmentReach: ContractRule = {
  code: 'T1',
  title: 'A department manager works on the contracts of their department’s customers only',
  guards: {
    actorReaches: {
      check: ({ event }) => event.facts.actorReaches,
      refusal: { code: 'FORBIDDEN', message: 'This contract’s customer belongs to someone outside your department' },
    },
  },
  facts: {
    defaults: { actorReaches: true },
    events: ['UPDATE', 'CONFIRM', 'VOID', 'PAYMENT', 'TERMINATE'],
    select: ({ id, actorId }) => sql`jsonb_build_object('actorReaches', ${reachesUser(actorId, custodianOf(id))})`,
  },
};
