/**
 * The contract machine (C1–C4): reserved → draft → confirmed → settled; voided from reserved or
 * draft (reason required, C4); terminated from confirmed by a manager (reason required); over the
 * customer's credit limit a confirmation waits in creditReview for a CREDIT application (V5).
 * Payments are events on a confirmed contract; the one that reaches the total settles it (C3).
 * The rules are in `rules/`.
 */
import contractDocumentJson from './contract.machine.json' with { type: 'json' };
import type { ContractRow } from '../platform/db/schema.js';
import type { Rule, RuleEvent } from '../workflow/definition.js';
import { asDocument } from '../workflow/document.js';

export interface ContractFacts {
  /** C1: the customer's custodian, a manager, or after-sales for a formal customer. */
  mayEdit: boolean;
  /** C3: after-sales, a manager or the custodian. */
  mayReceivePayment: boolean;
  /** T1: a department manager reaches the customer's custodian (always true for everyone else). */
  actorReaches: boolean;
  /** C2: input path → what is missing before confirmation. */
  missing: Record<string, string>;
  total: string;
  paid: string;
  /** V5: confirming keeps the customer within its credit limit (or it has none). */
  withinCredit: boolean;
}

export interface ContractContext {
  customerId: string;
}

export interface ContractInput {
  customerId: string;
}

/** The events of the contract machine with their inputs, as its guards see them. */
export type ContractEvent = RuleEvent<ContractFacts> &
  (
    | { type: 'UPDATE' }
    | { type: 'CONFIRM' }
    | { type: 'CREDIT_APPROVED' | 'CREDIT_REJECTED'; via?: string; reason?: string | null }
    | { type: 'VOID' | 'TERMINATE'; reason?: string | null }
    | { type: 'PAYMENT'; amount: string }
  );

/** A rule of the contract workflow. */
export type ContractRule = Rule<ContractRow, ContractContext, ContractFacts>;

/** Version 1: the repository's document (`src/contracts/contract.machine.json`). */
export const contractDocument = asDocument(contractDocumentJson);
