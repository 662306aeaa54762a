/**
 * The customer protection machine (P1–P10). Pure: no timers, no I/O. Deadlines are declared
 * on states (`meta.deadline`) and fired as explicit events by the sweeper; effects the engine
 * must perform (cool-downs, term extensions) are named actions it interprets.
 *
 * Guards are named so that a refusal can name its rule (see `customerGuardRules`).
 */
import { assign, setup } from 'xstate';
import customerDocumentJson from './customer.machine.json' with { type: 'json' };
import { buildMachine, type MachineImplementation, type WorkflowDocument } from '../workflow/document.js';
import type { Actor } from '../workflow/actor.js';
import { actorHasRole } from '../workflow/actor.js';
import type { EventInfo, GuardRule } from '../workflow/definition.js';

/** Facts the engine loads (inside the transaction, after the row lock) for guards to read. */
export interface CustomerFacts {
  /** P5: the actor's cool-down on this customer, if one is running. */
  coolingDownUntil: string | null;
  /** P7: customers the actor holds now, and the cap (null = none). */
  holding: number;
  maxHolding: number | null;
  /** P7: claims the actor made today, and the limit (null = none). */
  claimsToday: number;
  dailyClaimLimit: number | null;
  /** TRANSFER: whether the target user may hold this customer (active SALES, or AFTER_SALES for formal). */
  targetEligible: boolean;
}

export const NO_FACTS: CustomerFacts = {
  coolingDownUntil: null,
  holding: 0,
  maxHolding: null,
  claimsToday: 0,
  dailyClaimLimit: null,
  targetEligible: false,
};

interface Base {
  actor: Actor;
  facts: CustomerFacts;
  reason?: string | null;
}

export type CustomerEvent =
  | ({ type: 'CLAIM' } & Base)
  | ({ type: 'ABANDON' } & Base)
  | ({ type: 'TRANSFER'; toUserId: string } & Base)
  | ({ type: 'RESUBMIT' } & Base)
  | ({ type: 'PROTECTION_APPROVED'; via: 'application' } & Base)
  | ({ type: 'PROTECTION_REJECTED'; via: 'application' } & Base)
  | ({ type: 'INTENT_APPROVED'; via: 'application' } & Base)
  | ({ type: 'EXTENSION_APPROVED'; via: 'application'; extension?: string | null } & Base)
  | ({ type: 'CONTRACT_SIGNED'; via: 'contract'; afterSalesUserId?: string | null } & Base)
  | ({ type: 'TERM_EXPIRED' } & Base)
  | ({ type: 'REJECTION_LAPSED' } & Base);

export interface CustomerContext {
  custodianId: string | null;
}

const hasReason = (e: Base) => typeof e.reason === 'string' && e.reason.trim().length >= 2;

const customerSetup = setup({
  types: {
    context: {} as CustomerContext,
    events: {} as CustomerEvent,
    input: {} as { custodianId: string | null },
  },
  guards: {
    isSales: ({ event }) => actorHasRole(event.actor, 'SALES'),
    isCustodian: ({ context, event }) => event.actor.kind === 'user' && event.actor.id === context.custodianId,
    isManager: ({ event }) => actorHasRole(event.actor, 'MANAGER'),
    hasReason: ({ event }) => hasReason(event),
    notCoolingDown: ({ event }) => event.facts.coolingDownUntil === null,
    underHoldingCap: ({ event }) => event.facts.maxHolding === null || event.facts.holding < event.facts.maxHolding,
    underDailyClaimLimit: ({ event }) => event.facts.dailyClaimLimit === null || event.facts.claimsToday < event.facts.dailyClaimLimit,
    targetEligible: ({ event }) => event.facts.targetEligible,
    viaApplication: ({ event }) => 'via' in event && event.via === 'application',
    viaContract: ({ event }) => 'via' in event && event.via === 'contract',
    isSystem: ({ event }) => event.actor.kind === 'system',
  },
  actions: {
    takeCustody: assign({ custodianId: ({ event }) => (event.actor.kind === 'user' ? event.actor.id : null) }),
    releaseCustody: assign({ custodianId: null }),
    transferCustody: assign({ custodianId: ({ event }) => (event.type === 'TRANSFER' ? event.toUserId : null) }),
    handToAfterSales: assign({
      custodianId: ({ context, event }) => (event.type === 'CONTRACT_SIGNED' ? (event.afterSalesUserId ?? null) : context.custodianId),
    }),
    /** Interpreted by the engine: P5 cool-down for the actor on this customer. */
    startCoolDown: () => undefined,
    /** Interpreted by the engine: P3 lengthen the running term. */
    extendDeadline: () => undefined,
  },
});

/** The code half of the machine: guard and action implementations and the context factory. */
export const customerImplementation: MachineImplementation = {
  setup: customerSetup as unknown as MachineImplementation['setup'],
  context: (({ input }: { input: { custodianId: string | null } }) => ({ custodianId: input.custodianId })) as MachineImplementation['context'],
};

/** Version 1: the repository's document (`src/customers/customer.machine.json`). */
export const customerDocument = customerDocumentJson as unknown as WorkflowDocument;
export const customerMachine = buildMachine(customerImplementation, customerDocument);

/** What each guard protects, so a refusal can name its rule. */
export const customerGuardRules: Record<string, GuardRule> = {
  isSales: { rule: 'P7', code: 'FORBIDDEN', message: 'Only a salesperson can claim a customer', who: ['SALES'] },
  isCustodian: { rule: 'P8', code: 'FORBIDDEN', message: 'Only the custodian can do this', who: ['custodian'] },
  isManager: { rule: 'P9', code: 'FORBIDDEN', message: 'Only a manager can transfer custody', who: ['MANAGER'] },
  hasReason: { rule: 'P10', code: 'BAD_USER_INPUT', message: 'A reason is required', field: 'reason' },
  notCoolingDown: { rule: 'P5', code: 'ILLEGAL_TRANSITION', message: 'You abandoned this customer recently; the cool-down is still running' },
  underHoldingCap: { rule: 'P7', code: 'ILLEGAL_TRANSITION', message: 'You already hold as many customers as the policy allows' },
  underDailyClaimLimit: { rule: 'P7', code: 'ILLEGAL_TRANSITION', message: 'You have reached the daily claim limit' },
  targetEligible: { rule: 'P9', code: 'BAD_USER_INPUT', message: 'The new custodian must be an active salesperson (after-sales for a formal customer)', field: 'toUserId' },
  viaApplication: { rule: 'A4', code: 'FORBIDDEN', message: 'Only an audit decision does this', who: ['AUDITOR (audit decision)'] },
  viaContract: { rule: 'P6', code: 'FORBIDDEN', message: 'Only a confirmed contract does this', who: ['contract confirmation'] },
  isSystem: { rule: 'P2', code: 'FORBIDDEN', message: 'Only the deadline sweeper does this', who: ['system'] },
};

/** Labels and inputs of each event, for availableActions and the workflow designer. */
/** Labels and inputs of each event, for availableActions and the workflow designer. */
export const customerEvents: Record<string, EventInfo> = customerDocument.events;
