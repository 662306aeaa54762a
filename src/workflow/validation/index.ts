/**
 * Validation of a machine document before it is published (issue 7). Every problem is reported,
 * each with a path into the document, so an editor can mark them all as the designer types.
 * Each rule is a named check in `checks/`, listed in workflow-checks.ts:
 *
 * - the JSON shape (states, transitions, events, meta);
 * - only known guard, action, event and policy-term names;
 * - every target names a state, every state is reachable from the initial state;
 * - every transition is guarded by a rule that says who may send it;
 * - every timed state leaves on its deadline event;
 * - the invariants the product's code depends on (required states and events, the initial state,
 *   pairs of states that must never lead to one another such as formal → pool, P6).
 *
 * The graph is explored from the document itself, not from XState, so a broken document yields
 * problems rather than an exception.
 */
import type { ValidationContext, WorkflowProblem } from './check.js';
import { runChecks } from './run.js';

export type { ValidationContext, WorkflowCheck, WorkflowProblem } from './check.js';
export { occupancyProblems } from './occupancy.js';

/** Every problem with a document, in the order designers see them (empty when it may be published). */
export function validateDocument(ctx: ValidationContext, input: unknown): WorkflowProblem[] {
  return runChecks(ctx, input).map(({ path, message }) => ({ path, message }));
}
