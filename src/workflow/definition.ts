/** The shapes every workflow definition shares: state meta, event info, guard rules. */
import type { ErrorCode } from '../platform/errors.js';

/** A policy term a timed state declares; resolved against the policy when the state is entered. */
export type TermName = 'prospectTerm' | 'intentTerm' | 'rejectionRelease';

export interface StateMeta {
  label: string;
  description?: string;
  /** P11: entering this state starts a deadline; when it passes the sweeper sends `event`. */
  deadline?: { event: string; term: TermName };
}

export interface EventInput {
  name: string;
  type: 'String' | 'ID' | 'Int' | 'DateTime';
  required: boolean;
  /** A value that passes the guards, used to decide whether to offer the action. */
  example?: string;
}

export interface EventInfo {
  label: string;
  inputs: EventInput[];
  /** Sent by another workflow or the sweeper, never offered to a user as an action. */
  internal?: boolean;
}

export interface GuardRule {
  rule: string;
  code: Extract<ErrorCode, 'FORBIDDEN' | 'BAD_USER_INPUT' | 'ILLEGAL_TRANSITION'>;
  message: string;
  /** For BAD_USER_INPUT: the input the message belongs to. */
  field?: string;
  /** Who passes this guard, for designers (a role, `custodian`, `applicant`, `system`, …). */
  who?: string[];
}

/** Every term a state may declare as its deadline; each is resolved against the policy (terms.ts). */
export const TERM_NAMES: readonly TermName[] = ['prospectTerm', 'intentTerm', 'rejectionRelease'];
