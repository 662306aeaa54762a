/**
 * The complaint machine (V4): open → inProgress → resolved → closed. The handler (AFTER_SALES)
 * starts and resolves it, a manager may hand it to another handler; the customer's side (whoever
 * logged it, the customer's custodian, a manager) closes it or reopens it, and a resolved one
 * closes by itself after policy `complaint.autoCloseAfter` (AUTO_CLOSE, fired by the sweeper). A
 * complaint resolved by its first handler with no reopening or hand-off is resolved on first
 * contact. The rules are in `rules/`.
 */
import complaintDocumentJson from './complaint.machine.json' with { type: 'json' };
import type { ComplaintRow } from '../platform/db/schema.js';
import type { Rule } from '../workflow/definition.js';
import { asDocument } from '../workflow/document.js';

export interface ComplaintFacts {
  /** The actor handles it. */
  isHandler: boolean;
  /** The actor logged it or holds its customer. */
  isCustomerSide: boolean;
  /** T1: a department manager reaches the customer's custodian (true for everyone else). */
  reaches: boolean;
  /** Closed no longer ago than policy complaint.reopenWithin. */
  withinReopenWindow: boolean;
  /** REASSIGN: the new handler is an active AFTER_SALES user. */
  toAfterSales: boolean;
}

export interface ComplaintContext {
  customerId: string;
}

export interface ComplaintInput {
  customerId: string;
}

/** A rule of the complaint workflow. */
export type ComplaintRule = Rule<ComplaintRow, ComplaintContext, ComplaintFacts>;

/** States in which a complaint is not yet resolved (the SLA runs). */
export const UNRESOLVED_STATES = ['open', 'inProgress'] as const;

/** Version 1: the repository's document (`src/complaints/complaint.machine.json`). */
export const complaintDocument = asDocument(complaintDocumentJson);
