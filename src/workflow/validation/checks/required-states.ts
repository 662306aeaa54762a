/** States the product's code reads by name stay. */
import type { GraphCheck } from '../check.js';
import { quote } from '../json.js';

/** Every state of the invariants' `requiredStates` exists under its path. */
export const requiredStates: GraphCheck = {
  name: 'required-states',
  description: 'The states the product’s code relies on are neither removed nor renamed.',
  phase: 'graph',
  run: ({ ctx, report }, graph) => {
    for (const state of ctx.invariants.requiredStates) {
      if (!graph.nodes.has(state)) report('states', `the product relies on the state ${quote(state)}; it may not be removed or renamed`);
    }
  },
};
