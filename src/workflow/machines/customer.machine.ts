/**
 * The customer protection machine (P1–P10). Pure: no timers, no I/O. Deadlines are declared
 * on states (`meta.deadline`) and fired as explicit events by the sweeper; effects the engine
 * must perform (cool-downs, term extensions) are named actions it interprets.
 *
 * Guards are named so that a refusal can name its rule (see `customerGuardRules`).
 */
import { and, assign, setup } from 'xstate';
import type { Actor } from '../actor.js';
import { actorHasRole } from '../actor.js';
import type { StateMeta, EventInfo, GuardRule } from '../definition.js';

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

export const customerMachine = setup({
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
}).createMachine({
  id: 'customer',
  context: ({ input }) => ({ custodianId: input.custodianId }),
  initial: 'prospect',
  states: {
    pool: {
      meta: { label: '公海 Public pool', description: 'No custodian; any salesperson may claim it (P7).' } satisfies StateMeta,
      on: {
        CLAIM: {
          target: 'prospect.protected',
          guard: and(['isSales', 'notCoolingDown', 'underHoldingCap', 'underDailyClaimLimit']),
          actions: 'takeCustody',
        },
        TRANSFER: { target: 'prospect.protected', guard: and(['isManager', 'hasReason', 'targetEligible']), actions: 'transferCustody' },
      },
    },
    prospect: {
      meta: { label: '潜在客户 Prospect' } satisfies StateMeta,
      initial: 'pendingAudit',
      on: {
        ABANDON: { target: 'pool', guard: and(['isCustodian', 'hasReason']), actions: ['startCoolDown', 'releaseCustody'] },
        TRANSFER: { guard: and(['isManager', 'hasReason', 'targetEligible']), actions: 'transferCustody' },
      },
      states: {
        pendingAudit: {
          meta: { label: '待审核 Pending audit', description: 'Entered by its custodian; an auditor checks it (P1).' } satisfies StateMeta,
          on: {
            PROTECTION_APPROVED: { target: 'protected', guard: 'viaApplication' },
            PROTECTION_REJECTED: { target: 'rejected', guard: 'viaApplication' },
          },
        },
        rejected: {
          meta: {
            label: '审核未通过 Rejected',
            description: 'The custodian may correct and resubmit; after 3 working days it goes to the pool (P1).',
            deadline: { event: 'REJECTION_LAPSED', term: 'rejectionRelease' },
          } satisfies StateMeta,
          on: {
            RESUBMIT: { target: 'pendingAudit', guard: 'isCustodian' },
            REJECTION_LAPSED: { target: '#customer.pool', guard: 'isSystem', actions: 'releaseCustody' },
          },
        },
        protected: {
          meta: {
            label: '保护中 Protected',
            description: 'Protected for the prospect term (P2); extensions lengthen it (P3).',
            deadline: { event: 'TERM_EXPIRED', term: 'prospectTerm' },
          } satisfies StateMeta,
          on: {
            INTENT_APPROVED: { target: '#customer.intent', guard: 'viaApplication' },
            EXTENSION_APPROVED: { guard: 'viaApplication', actions: 'extendDeadline' },
            TERM_EXPIRED: { target: '#customer.pool', guard: 'isSystem', actions: 'releaseCustody' },
          },
        },
      },
    },
    intent: {
      meta: {
        label: '意向客户 Intent',
        description: 'Confirmed interest; protected for the intent term (P4).',
        deadline: { event: 'TERM_EXPIRED', term: 'intentTerm' },
      } satisfies StateMeta,
      on: {
        ABANDON: { target: 'pool', guard: and(['isCustodian', 'hasReason']), actions: ['startCoolDown', 'releaseCustody'] },
        TRANSFER: { guard: and(['isManager', 'hasReason', 'targetEligible']), actions: 'transferCustody' },
        EXTENSION_APPROVED: { guard: 'viaApplication', actions: 'extendDeadline' },
        CONTRACT_SIGNED: { target: 'formal', guard: 'viaContract', actions: 'handToAfterSales' },
        TERM_EXPIRED: { target: 'pool', guard: 'isSystem', actions: 'releaseCustody' },
      },
    },
    formal: {
      meta: { label: '正式客户 Formal', description: 'Has signed a contract; with after-sales; never falls to the pool on a timer (P6).' } satisfies StateMeta,
      on: {
        TRANSFER: { guard: and(['isManager', 'hasReason', 'targetEligible']), actions: 'transferCustody' },
        CONTRACT_SIGNED: { guard: 'viaContract' },
      },
    },
  },
});

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
export const customerEvents: Record<CustomerEvent['type'], EventInfo> = {
  CLAIM: { label: '认领 Claim', inputs: [] },
  ABANDON: { label: '放弃 Abandon', inputs: [{ name: 'reason', type: 'String', required: true }] },
  TRANSFER: { label: '转移 Transfer', inputs: [{ name: 'toUserId', type: 'ID', required: true }, { name: 'reason', type: 'String', required: true }] },
  RESUBMIT: { label: '重新提交 Resubmit', inputs: [] },
  PROTECTION_APPROVED: { label: '保护通过 Protection approved', inputs: [], internal: true },
  PROTECTION_REJECTED: { label: '保护驳回 Protection rejected', inputs: [], internal: true },
  INTENT_APPROVED: { label: '意向通过 Intent approved', inputs: [], internal: true },
  EXTENSION_APPROVED: { label: '延期通过 Extension approved', inputs: [], internal: true },
  CONTRACT_SIGNED: { label: '签约 Contract signed', inputs: [], internal: true },
  TERM_EXPIRED: { label: '保护到期 Term expired', inputs: [], internal: true },
  REJECTION_LAPSED: { label: '驳回逾期 Rejection lapsed', inputs: [], internal: true },
};
