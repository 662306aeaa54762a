/** A deadline that passes moves the instance on. */
import type { GraphCheck } from '../check.js';
import { quote } from '../json.js';

/** P11: from every leaf of a timed state, the deadline's event has a transition out of that state. */
export const deadlinesLeave: GraphCheck = {
  name: 'deadlines-leave',
  description: 'In every timed state, the event its deadline sends leaves the state.',
  phase: 'graph',
  run: ({ report }, graph) => {
    for (const node of graph.nodes.values()) {
      const deadline = node.deadline;
      if (!deadline) continue;
      const inside = graph.under(node);
      for (const leaf of inside) {
        const exits = graph.edges.some((e) => e.from === leaf.path && e.event === deadline.event && !inside.some((l) => l.path === e.to));
        if (!exits)
          report(
            `${node.docPath}.meta.deadline`,
            `when the ${deadline.term} of ${quote(leaf.path)} passes, ${deadline.event} must leave ${quote(node.path)}; no transition does`,
          );
      }
    }
  },
};
