/** What a new version would do to the instances living on the current ones. */
import { leafPaths, type WorkflowDocument } from '../document.js';
import type { WorkflowProblem } from './check.js';
import { quote } from './json.js';

/**
 * States live instances occupy that a new document no longer has, unless the state mapping says
 * where they go; and mapping entries that name no state of the new document.
 */
export function occupancyProblems(doc: WorkflowDocument, occupied: { state: string; count: number }[], mapping: Record<string, string>): WorkflowProblem[] {
  const leaves = new Set(leafPaths(doc));
  const problems: WorkflowProblem[] = [];
  for (const [from, to] of Object.entries(mapping)) {
    if (typeof to !== 'string' || !leaves.has(to))
      problems.push({ path: `stateMapping.${from}`, message: `${JSON.stringify(to)} is not a state of the new version (${[...leaves].join(', ')})` });
  }
  for (const { state, count } of occupied) {
    if (!leaves.has(state) && !(state in mapping)) {
      problems.push({
        path: `stateMapping.${state}`,
        message: `${count} live instance(s) are in ${quote(state)}, which this version removes; map it to a state of the new version`,
      });
    }
  }
  return problems;
}
