/**
 * V5: a formal customer may have a credit limit. Confirming a contract that would take what the
 * customer owes on confirmed contracts (their totals less payments) over the limit does not
 * confirm it: the contract waits in `creditReview` while a CREDIT application goes through the
 * audit workflow (policy application.steps.CREDIT, a MANAGER by default); its approval confirms
 * the contract, its rejection (or withdrawal) returns it to the draft. Read in the statement
 * that reads the contract, so availableActions and a sent CONFIRM decide alike.
 */
import { sql, type SQL } from 'drizzle-orm';
import { contracts, customers } from '../../platform/db/schema.js';
import type { ContractRule } from '../contract.machine.js';

/** What customer `customerId` owes on its confirmed contracts (totals less payments), leaving out contract `except`. */
export const owedBy = (customerId: SQL, except: SQL = sql`null`) =>
  sql`coalesce((select sum(owed.total - owed.paid) from ${contracts} as owed
    where owed.customer_id = ${customerId} and owed.state = 'confirmed' and owed.id is distinct from ${except}), 0)`;

/** Whether confirming contract `id` keeps its customer within its credit limit (or it has none). */
const withinCredit = (id: unknown) =>
  sql`(select credit_customer.credit_limit is null or credit_contract.total + ${owedBy(sql`credit_customer.id`, sql`credit_contract.id`)} <= credit_customer.credit_limit
      from ${contracts} as credit_contract join ${customers} as credit_customer on credit_customer.id = credit_contract.customer_id
      where credit_contract.id = ${id})`;

export const v5Credit: ContractRule = {
  code: 'V5',
  title: 'A contract that would take the customer’s receivables over its credit limit is confirmed only through an approved CREDIT application',
  guards: {
    withinCredit: {
      check: ({ event }) => event.facts.withinCredit,
      refusal: { code: 'FORBIDDEN', message: 'Confirming this contract would exceed the customer’s credit limit (V5)' },
    },
    byCreditDecision: {
      check: ({ event }) => event.via === 'application',
      refusal: { code: 'FORBIDDEN', message: 'Only a decision on the CREDIT application moves a contract out of credit review (V5)' },
    },
  },
  facts: {
    defaults: { withinCredit: true },
    events: ['CONFIRM'],
    select: ({ id }) => sql`jsonb_build_object('withinCredit', coalesce(${withinCredit(id)}, true))`,
  },
};
