/**
 * The follow-up plan machine (F6): a next contact time opens a plan, planned → due (at that
 * time) → overdue (after policy `followUp.grace`) → escalated (after `followUp.escalateAfter`:
 * the custodian's managers are told, see notifications); logging a follow-up makes it done, a
 * custody change cancels it or carries it to the new custodian. The deadline events PLAN_DUE,
 * PLAN_OVERDUE and PLAN_ESCALATED are fired by the sweeper, set-based. The rules are in `plan-rules/`.
 */
import planDocumentJson from './follow-up-plan.machine.json' with { type: 'json' };
import type { FollowUpPlanRow } from '../platform/db/schema.js';
import type { Rule } from '../workflow/definition.js';
import { asDocument } from '../workflow/document.js';

/** The plan machine's guards read no facts (its user-facing events are sent by code). */
export type FollowUpPlanFacts = Record<string, never>;

export interface FollowUpPlanContext {
  customerId: string;
}

export interface FollowUpPlanInput {
  customerId: string;
}

/** A rule of the follow-up plan workflow. */
export type FollowUpPlanRule = Rule<FollowUpPlanRow, FollowUpPlanContext, FollowUpPlanFacts>;

/** States in which a plan is open (a follow-up completes it, a custody change cancels or carries it). */
export const OPEN_PLAN_STATES = ['planned', 'due', 'overdue', 'escalated'] as const;

/** The deadline events the sweeper fires (listeners such as notifications name them). */
export const PLAN_DEADLINE_EVENTS = ['PLAN_DUE', 'PLAN_OVERDUE', 'PLAN_ESCALATED'] as const;

/** Version 1: the repository's document (`src/customers/follow-up-plan.machine.json`). */
export const followUpPlanDocument = asDocument(planDocumentJson);
