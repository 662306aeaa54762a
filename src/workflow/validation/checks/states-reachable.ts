/** No state is dead weight. */
import type { GraphCheck } from '../check.js';
import { quote } from '../json.js';

/** Every leaf state is reachable from the initial state by some sequence of events. */
export const statesReachable: GraphCheck = {
  name: 'states-reachable',
  description: 'Every state can be reached from the initial state.',
  phase: 'graph',
  run: ({ report }, graph) => {
    const start = graph.start;
    if (!start) return; // initial-state reports it
    const reachable = graph.reach([start.path]);
    for (const leaf of graph.leaves) {
      if (!reachable.has(leaf.path)) report(leaf.docPath, `${quote(leaf.path)} is not reachable from the initial state ${quote(start.path)}`);
    }
  },
};
