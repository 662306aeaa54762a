/** Runs checks over a document, phase by phase (graphql-js's `validate`). */
import { PHASES, type CheckScope, type DocumentCheck, type ValidationContext, type WorkflowCheck, type WorkflowProblem } from './check.js';
import { buildGraph } from './graph.js';
import { isObject } from './json.js';
import { walkDocument } from './walk.js';
import { workflowChecks } from './workflow-checks.js';

/** A problem and the check that found it. */
export interface CheckedProblem extends WorkflowProblem {
  check: string;
}

const isDocumentCheck = (check: WorkflowCheck): check is DocumentCheck => check.phase === 'shape';

/**
 * Every problem `checks` find in `input`, in the order they run. A phase runs only when the
 * earlier ones found nothing; within the `shape` phase problems come in document order.
 */
export function runChecks(ctx: ValidationContext, input: unknown, checks: readonly WorkflowCheck[] = workflowChecks): CheckedProblem[] {
  const problems: CheckedProblem[] = [];
  const scopeOf = (check: WorkflowCheck): CheckScope => ({ ctx, report: (path, message) => problems.push({ check: check.name, path, message }) });
  walkDocument(
    input,
    checks.filter(isDocumentCheck).map((check) => check.run(scopeOf(check))),
  );
  if (problems.length > 0 || !isObject(input)) return problems;
  const graph = buildGraph(ctx.name, input);
  for (const phase of PHASES) {
    for (const check of checks) if (check.phase !== 'shape' && check.phase === phase) check.run(scopeOf(check), graph);
    if (problems.length > 0) return problems;
  }
  return problems;
}
