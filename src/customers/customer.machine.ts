/**
 * The customer protection machine (P1–P10): its document (version 1) and the shapes its rules
 * share. Pure: no timers, no I/O. Deadlines are declared on states (`meta.deadline`) and fired
 * as explicit events by the sweeper. The rules are in `rules/`, one file per rule code.
 */
import customerDocumentJson from './customer.machine.json' with { type: 'json' };
import { asDocument } from '../workflow/document.js';
import type { CustomerRow, Stage } from '../platform/db/schema.js';
import type { Rule, RuleEvent } from '../workflow/definition.js';
import type { HeldContext } from '../workflow/hold.js';

/** Facts the engine loads (inside the transaction, after the row lock) for guards to read. */
export interface CustomerFacts {
  /** P5: the actor's cool-down on this customer (after abandoning it, or after its term ended), if one is running. */
  coolingDownUntil: string | null;
  /** P5: the transfer target's cool-down on this customer, if one is running. */
  targetCoolingDownUntil: string | null;
  /** P7: customers the actor holds now, and the cap (null = none). */
  holding: number;
  maxHolding: number | null;
  /** P7: claims the actor made today, and the limit (null = none). */
  claimsToday: number;
  dailyClaimLimit: number | null;
  /** P9: whether the transfer target may hold this customer (active SALES, or AFTER_SALES for formal). */
  targetEligible: boolean;
  /** T2: whether the actor belongs to the customer's pool, and administers it. */
  inMemberPool: boolean;
  poolAdmin: boolean;
  /** T2: whether the assignment's target belongs to the customer's pool. */
  targetInPool: boolean;
  /** T2: whether the pool a customer is moved to is another open pool. */
  targetPoolActive: boolean;
  /** T5: the actor is a manager who may change this customer (P8's canEdit), so may manage its team. */
  managesTeam: boolean;
  /** T5: the user to add as a collaborator is active. */
  collaboratorActive: boolean;
  /** T5: the policy clears the team when custody passes to someone else (`customer.collaboratorsOnTransfer`). */
  clearTeamOnTransfer: boolean;
  /** T1: whether a department manager's subtree holds the customer's custodian (true when the actor is not limited). */
  actorReaches: boolean;
  /** T1: whether the transfer target is inside the acting manager's subtree (true when not limited). */
  targetInReach: boolean;
  /** T4: who may lock (policy), the locks the actor keeps now, and the cap (null = none). */
  lockBy: 'CUSTODIAN' | 'MANAGER' | 'CUSTODIAN_OR_MANAGER';
  locksHeld: number;
  maxLocks: number | null;
}

/** `heldBy`: the pending applications holding its term (P2, see workflow/hold.ts). */
export interface CustomerContext extends HeldContext {
  custodianId: string | null;
  /** P6: the salespeople who signed its confirmed contracts (they keep reading it after the hand-over). */
  signers?: string[];
  /** T5: the team, by user id: who reads (READ) or also writes (WRITE) its contacts and follow-ups, since when. */
  collaborators?: Record<string, Collaboration>;
  /** T4: who locked it, why and when (it holds the term while `heldBy` lists `lock:<by>`). */
  lock?: { by: string; reason: string | null; at: string } | null;
}

/** T5: what a collaborator may do on the customer, and since when (ISO time). */
export interface Collaboration {
  access: CollaboratorAccess;
  since: string;
}

export const COLLABORATOR_ACCESS = ['READ', 'WRITE'] as const;
export type CollaboratorAccess = (typeof COLLABORATOR_ACCESS)[number];

export interface CustomerInput {
  custodianId: string | null;
  /** P2: a new customer is entered held by its PROTECTION application. */
  heldBy?: string[];
}

/** The events of the customer machine with their inputs, as its guards see them. */
export type CustomerEvent = RuleEvent<CustomerFacts> &
  (
    | { type: 'CLAIM' }
    | { type: 'ABANDON'; reason?: string | null }
    | { type: 'TRANSFER'; toUserId: string; reason?: string | null; handOver?: boolean }
    | { type: 'ASSIGN'; toUserId: string; reason?: string | null }
    | { type: 'RESUBMIT'; applicationId?: string }
    | { type: 'ADD_COLLABORATOR'; userId: string; access: string; reason?: string | null }
    | { type: 'REMOVE_COLLABORATOR'; userId: string; reason?: string | null }
    | { type: 'PROTECTION_APPROVED' | 'PROTECTION_REJECTED' | 'INTENT_APPROVED'; via: 'application'; applicationId?: string }
    | { type: 'EXTENSION_APPROVED'; via: 'application'; extension?: string | null; applicationId?: string }
    | { type: 'APPLICATION_OPENED' | 'APPLICATION_CLOSED'; via: 'application'; applicationId: string }
    | { type: 'CONTRACT_SIGNED'; via: 'contract'; afterSalesUserId?: string | null }
    | { type: 'TERM_EXPIRED' | 'REJECTION_LAPSED' }
    | { type: 'MOVE_POOL'; toPoolId: string; reason?: string | null }
    | { type: 'TERM_EXPIRED' | 'REJECTION_LAPSED' | 'INACTIVITY_EXPIRED' }
    | { type: 'LOCK'; reason?: string | null }
    | { type: 'UNLOCK'; reason?: string | null }
    | { type: 'HANDED_OVER'; toPoolId: string; reason?: string | null }
  );

/** A rule of the customer workflow. */
export type CustomerRule = Rule<CustomerRow, CustomerContext, CustomerFacts>;

/** Version 1: the repository's document (`src/customers/customer.machine.json`). */
export const customerDocument = asDocument(customerDocumentJson);

/** The stage a state belongs to (a derived column, and the read side's `stage`). */
export function stageOf(state: string): Stage {
  switch (state.split('.')[0]) {
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
