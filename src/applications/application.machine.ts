/**
 * The application (audit) machine (A1–A5): pending → approved | rejected | withdrawn | lapsed.
 * The approval steps come from the policy when the application is made (later policy changes
 * affect new applications only) and live in the context; a step names the role that decides and
 * whether ANY one holder or ALL holders must approve. The rules are in `rules/`.
 */
import applicationDocumentJson from './application.machine.json' with { type: 'json' };
import type { ApplicationRow, Role } from '../platform/db/schema.js';
import type { Rule, RuleEvent } from '../workflow/definition.js';
import { asDocument } from '../workflow/document.js';

export interface ApprovalStepSpec {
  role: Role;
  mode: 'ANY' | 'ALL';
}

export interface ApplicationFacts {
  /** Active holders of the current step's role, other than the applicant (for ALL steps). */
  holders: number;
  /** T1: a department manager reaches the applicant (always true for everyone else). */
  actorReaches: boolean;
}

export interface ApplicationContext {
  applicantId: string;
  steps: ApprovalStepSpec[];
  /** Index of the step being decided. */
  step: number;
  /** Who has approved the current step so far. */
  approvals: string[];
  /** Everyone who has decided any step. */
  deciders: string[];
}

export interface ApplicationInput {
  applicantId: string;
  steps: ApprovalStepSpec[];
}

/** The events of the application machine with their inputs, as its guards see them. */
export type ApplicationEvent = RuleEvent<ApplicationFacts> &
  (
    | { type: 'APPROVE'; note?: string | null }
    | { type: 'REJECT'; reason?: string | null }
    | { type: 'WITHDRAW' }
    | { type: 'LAPSE' }
    | { type: 'HAND_OVER'; toUserId: string; reason?: string | null }
  );

/** A rule of the application workflow. */
export type ApplicationRule = Rule<ApplicationRow, ApplicationContext, ApplicationFacts>;

/** Version 1: the repository's document (`src/applications/application.machine.json`). */
export const applicationDocument = asDocument(applicationDocumentJson);
