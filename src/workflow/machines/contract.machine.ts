/**
 * The contract machine (C1–C4): reserved → draft → confirmed → settled; voided from reserved or
 * draft (reason required, C4); terminated from confirmed by a manager (reason required).
 * Payments are events on a confirmed contract; the one that reaches the total settles it (C3).
 */
import { and, setup } from 'xstate';
import { money } from '../../shared/money.js';
import { actorHasRole, type Actor } from '../actor.js';
import type { EventInfo, GuardRule, StateMeta } from '../definition.js';

export interface ContractFacts {
  /** C1: the customer's custodian, a manager, or after-sales for a formal customer. */
  mayEdit: boolean;
  /** C3: after-sales, a manager or the custodian. */
  mayReceivePayment: boolean;
  /** C2: input path → what is missing before confirmation. */
  missing: Record<string, string>;
  total: string;
  paid: string;
}

export const NO_CONTRACT_FACTS: ContractFacts = { mayEdit: false, mayReceivePayment: false, missing: {}, total: '0.00', paid: '0.00' };

interface Base {
  actor: Actor;
  facts: ContractFacts;
  reason?: string | null;
}

export type ContractEvent =
  | ({ type: 'UPDATE' } & Base)
  | ({ type: 'CONFIRM' } & Base)
  | ({ type: 'VOID' } & Base)
  | ({ type: 'TERMINATE' } & Base)
  | ({ type: 'PAYMENT'; amount: string } & Base);

const amountOf = (e: ContractEvent) => (e.type === 'PAYMENT' ? (money.parse(e.amount) ?? 0n) : 0n);
const afterPayment = (e: ContractEvent) => (money.parse(e.facts.paid) ?? 0n) + amountOf(e);

export const contractMachine = setup({
  types: {
    context: {} as { customerId: string },
    events: {} as ContractEvent,
    input: {} as { customerId: string },
  },
  guards: {
    mayEdit: ({ event }) => event.facts.mayEdit,
    isComplete: ({ event }) => Object.keys(event.facts.missing).length === 0,
    hasReason: ({ event }) => typeof event.reason === 'string' && event.reason.replace(/\s/g, '').length >= 2,
    isManager: ({ event }) => actorHasRole(event.actor, 'MANAGER'),
    mayReceivePayment: ({ event }) => event.facts.mayReceivePayment,
    positiveAmount: ({ event }) => amountOf(event) > 0n,
    notOverpaid: ({ event }) => afterPayment(event) <= (money.parse(event.facts.total) ?? 0n),
    paysInFull: ({ event }) => afterPayment(event) === (money.parse(event.facts.total) ?? 0n),
  },
}).createMachine({
  id: 'contract',
  context: ({ input }) => ({ customerId: input.customerId }),
  initial: 'reserved',
  states: {
    reserved: {
      meta: { label: '已预领 Reserved', description: 'A number is reserved (C2); the first edit starts the draft.' } satisfies StateMeta,
      on: {
        UPDATE: { target: 'draft', guard: 'mayEdit' },
        VOID: { target: 'voided', guard: and(['mayEdit', 'hasReason']) },
      },
    },
    draft: {
      meta: { label: '填写中 Draft', description: 'Type, dates, buyer, lines and commitments are filled in (C2).' } satisfies StateMeta,
      on: {
        UPDATE: { guard: 'mayEdit' },
        CONFIRM: { target: 'confirmed', guard: and(['mayEdit', 'isComplete']) },
        VOID: { target: 'voided', guard: and(['mayEdit', 'hasReason']) },
      },
    },
    confirmed: {
      meta: { label: '已确认 Confirmed', description: 'No longer editable; the customer is formal (P6); payments are recorded (C3).' } satisfies StateMeta,
      on: {
        PAYMENT: [
          { target: 'settled', guard: and(['mayReceivePayment', 'positiveAmount', 'notOverpaid', 'paysInFull']) },
          { guard: and(['mayReceivePayment', 'positiveAmount', 'notOverpaid']) },
        ],
        TERMINATE: { target: 'terminated', guard: and(['isManager', 'hasReason']) },
      },
    },
    settled: { type: 'final', meta: { label: '已结清 Settled', description: 'Payments reached the total (C3).' } satisfies StateMeta },
    voided: { type: 'final', meta: { label: '已作废 Voided', description: 'Its number is never reused (C4).' } satisfies StateMeta },
    terminated: { type: 'final', meta: { label: '已终止 Terminated' } satisfies StateMeta },
  },
});

export const contractGuardRules: Record<string, GuardRule> = {
  mayEdit: { rule: 'C1', code: 'FORBIDDEN', message: 'Only the customer’s custodian, a manager, or after-sales for a formal customer works on its contracts', who: ['custodian', 'MANAGER', 'AFTER_SALES (formal customer)'] },
  isComplete: { rule: 'C2', code: 'BAD_USER_INPUT', message: 'The contract is not complete', field: 'contract' },
  hasReason: { rule: 'C4', code: 'BAD_USER_INPUT', message: 'A reason is required', field: 'reason' },
  isManager: { rule: 'C4', code: 'FORBIDDEN', message: 'Only a manager terminates a confirmed contract', who: ['MANAGER'] },
  mayReceivePayment: { rule: 'C3', code: 'FORBIDDEN', message: 'Payments are recorded by after-sales, a manager or the custodian', who: ['AFTER_SALES', 'MANAGER', 'custodian'] },
  positiveAmount: { rule: 'C3', code: 'BAD_USER_INPUT', message: 'The amount must be above zero', field: 'input.amount' },
  notOverpaid: { rule: 'C3', code: 'BAD_USER_INPUT', message: 'This payment would exceed the contract total', field: 'input.amount' },
  paysInFull: { rule: 'C3', code: 'ILLEGAL_TRANSITION', message: 'Not yet paid in full' },
};

export const contractEvents: Record<ContractEvent['type'], EventInfo> = {
  UPDATE: { label: '填写 Edit', inputs: [] },
  CONFIRM: { label: '确认合同 Confirm', inputs: [] },
  VOID: { label: '作废 Void', inputs: [{ name: 'reason', type: 'String', required: true }] },
  TERMINATE: { label: '终止 Terminate', inputs: [{ name: 'reason', type: 'String', required: true }] },
  PAYMENT: { label: '回款 Record payment', inputs: [{ name: 'amount', type: 'String', required: true, example: '0.01' }, { name: 'paidAt', type: 'DateTime', required: true }, { name: 'method', type: 'String', required: true }] },
};
