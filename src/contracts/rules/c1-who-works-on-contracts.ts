/**
 * C1: intent and formal customers sign contracts. Their custodian works on them, a manager on
 * any, after-sales on a formal customer's; payments are recorded by after-sales, a manager or the
 * custodian (C3). Decided on the customer as it is now (a passed term counts as expired).
 */
import { customers, type ContractRow, type CustomerRow } from '../../platform/db/schema.js';
import { relatedFacts } from '../../workflow/related-facts.js';
import { actorHasRole, type Actor } from '../../workflow/actor.js';
import type { ContractFacts, ContractRule } from '../contract.machine.js';

/** T1: a department manager's reach (absent: not limited) holds the customer's custodian, or nobody holds it. */
const reaches = (customer: CustomerRow, reach?: ReadonlySet<string>) => !reach || customer.custodianId === null || reach.has(customer.custodianId);

/**
 * Who may work on a customer's contracts. `reach` is the viewer's (T1) where the check runs
 * outside the machine (reserving); the machine's transitions check it with T1's own guard.
 */
export function mayWorkOnContracts(customer: CustomerRow, actor: Actor, reach?: ReadonlySet<string>): boolean {
  if (actor.kind !== 'user') return false;
  if (actorHasRole(actor, 'MANAGER') && reaches(customer, reach)) return true;
  if (customer.custodianId === actor.id && (customer.stage === 'INTENT' || customer.stage === 'FORMAL')) return true;
  return customer.stage === 'FORMAL' && actorHasRole(actor, 'AFTER_SALES');
}

/** Who may record payments on a customer's contracts (C3). */
export function mayReceivePayment(customer: CustomerRow, actor: Actor, reach?: ReadonlySet<string>): boolean {
  if (actorHasRole(actor, 'AFTER_SALES') || (actor.kind === 'user' && customer.custodianId === actor.id)) return true;
  return actorHasRole(actor, 'MANAGER') && reaches(customer, reach);
}

/** C1 with the customers feature's view of a customer now (its due deadline applied). */
export function c1WhoWorksOnContracts(customerNow: (row: CustomerRow) => CustomerRow): ContractRule {
  /** C1's facts for a contract of this customer (none: nobody works on it). */
  const factsFor = (customer: CustomerRow | undefined, actor: Actor) => {
    if (!customer) return { mayEdit: false, mayReceivePayment: false };
    const now = customerNow(customer);
    return { mayEdit: mayWorkOnContracts(now, actor), mayReceivePayment: mayReceivePayment(now, actor) };
  };
  return {
    code: 'C1',
    title: 'The custodian of an intent or formal customer, a manager, or after-sales for a formal one works on its contracts',
    guards: {
      mayEdit: {
        check: ({ event }) => event.facts.mayEdit,
        refusal: {
          code: 'FORBIDDEN',
          message: 'Only the customer’s custodian, a manager, or after-sales for a formal customer works on its contracts',
          who: ['custodian', 'MANAGER', 'AFTER_SALES (formal customer)'],
        },
      },
    },
    facts: {
      defaults: { mayEdit: false, mayReceivePayment: false },
      ...relatedFacts<ContractRow, CustomerRow, ContractFacts>({ table: customers, relatedId: (row) => row.customerId, facts: factsFor }),
    },
  };
}
