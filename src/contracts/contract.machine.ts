/**
 * The contract machine (C1–C4): reserved → draft → confirmed → settled; voided from reserved or
 * draft (reason required, C4); terminated from confirmed by a manager (reason required).
 * Payments are events on a confirmed contract; the one that reaches the total settles it (C3).
 */
import { setup } from 'xstate';
import contractDocumentJson from './contract.machine.json' with { type: 'json' };
import { buildMachine, type MachineImplementation, type WorkflowDocument } from '../workflow/document.js';
import { money } from '../platform/money.js';
import { actorHasRole, type Actor } from '../workflow/actor.js';
import type { EventInfo, GuardRule } from '../workflow/definition.js';

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

const contractSetup = setup({
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
});

/** The code half of the machine: guard and action implementations and the context factory. */
export const contractImplementation: MachineImplementation = {
  setup: contractSetup as unknown as MachineImplementation['setup'],
  context: (({ input }: { input: { customerId: string } }) => ({ customerId: input.customerId })) as MachineImplementation['context'],
};

/** Version 1: the repository's document (`src/contracts/contract.machine.json`). */
export const contractDocument = contractDocumentJson as unknown as WorkflowDocument;
export const contractMachine = buildMachine(contractImplementation, contractDocument);

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

/** Labels and inputs of each event, for availableActions and the workflow designer. */
export const contractEvents: Record<string, EventInfo> = contractDocument.events;
