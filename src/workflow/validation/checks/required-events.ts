/** Events the product's code sends stay declared and accepted where it sends them. */
import type { GraphCheck } from '../check.js';
import { quote } from '../json.js';

/** Every event of the invariants' `requiredEvents` is declared, and accepted in each state listed (or somewhere, for []). */
export const requiredEvents: GraphCheck = {
  name: 'required-events',
  description: 'The events the product’s code sends stay declared and accepted in the states it sends them in.',
  phase: 'graph',
  run: ({ ctx, report }, graph) => {
    for (const [event, states] of Object.entries(ctx.invariants.requiredEvents)) {
      if (!(event in graph.events)) {
        report('events', `the product sends ${quote(event)}; it must stay declared`);
        continue;
      }
      if (states.length === 0 && !graph.edges.some((e) => e.event === event)) report('states', `the product sends ${quote(event)}; some state must accept it`);
      for (const state of states) {
        const node = graph.nodes.get(state);
        if (!node) continue; // required-states reports it
        for (const leaf of graph.under(node)) {
          if (!graph.handles.get(leaf.path)?.has(event))
            report(`${leaf.docPath}.on`, `the product sends ${quote(event)} in ${quote(leaf.path)}; it must stay accepted there`);
        }
      }
    }
  },
};
