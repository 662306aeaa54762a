/** New instances start where the product's code expects them. */
import type { GraphCheck } from '../check.js';
import { quote } from '../json.js';

/** The leaf a new instance enters is the invariants' `initialState` (services open applications, reserve numbers, … there). */
export const requiredInitialState: GraphCheck = {
  name: 'required-initial-state',
  description: 'New instances start in the state the product relies on.',
  phase: 'graph',
  run: ({ ctx, report }, graph) => {
    const expected = ctx.invariants.initialState;
    if (graph.start && graph.start.path !== expected) {
      report('initial', `new instances must start in ${quote(expected)} (the product relies on it); this document starts in ${quote(graph.start.path)}`);
    }
  },
};
