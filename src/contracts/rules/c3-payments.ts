/**
 * C3: payments (回款) against a confirmed contract — each above zero, never beyond the total; the
 * payment that reaches the total settles the contract. Who may record them is decided by C1.
 */
import { money } from '../../platform/money.js';
import type { RuleEvent } from '../../workflow/definition.js';
import type { ContractFacts, ContractRule } from '../contract.machine.js';

type ContractEvent = RuleEvent<ContractFacts>;

const amountOf = (e: ContractEvent) => (e.type === 'PAYMENT' && typeof e.amount === 'string' ? (money.parse(e.amount) ?? 0n) : 0n);
const afterPayment = (e: ContractEvent) => (money.parse(e.facts.paid) ?? 0n) + amountOf(e);

export const c3Payments: ContractRule = {
  code: 'C3',
  title: 'Payments are above zero and never exceed the total; the one that reaches it settles the contract',
  guards: {
    mayReceivePayment: {
      check: ({ event }) => event.facts.mayReceivePayment,
      refusal: { code: 'FORBIDDEN', message: 'Payments are recorded by after-sales, a manager or the custodian', who: ['AFTER_SALES', 'MANAGER', 'custodian'] },
    },
    positiveAmount: {
      check: ({ event }) => amountOf(event) > 0n,
      refusal: { code: 'BAD_USER_INPUT', message: 'The amount must be above zero', field: 'input.amount' },
    },
    notOverpaid: {
      check: ({ event }) => afterPayment(event) <= (money.parse(event.facts.total) ?? 0n),
      refusal: { code: 'BAD_USER_INPUT', message: 'This payment would exceed the contract total', field: 'input.amount' },
    },
    paysInFull: {
      check: ({ event }) => afterPayment(event) === (money.parse(event.facts.total) ?? 0n),
      refusal: { code: 'ILLEGAL_TRANSITION', message: 'Not yet paid in full' },
    },
  },
  facts: {
    defaults: { total: '0.00', paid: '0.00' },
    async load({ row }) {
      return { total: row.total, paid: row.paid };
    },
  },
};
