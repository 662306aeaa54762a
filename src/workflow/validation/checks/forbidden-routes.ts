/** Some states must never lead to others, by any sequence of events (e.g. formal → pool, P6). */
import type { GraphCheck } from '../check.js';
import { quote } from '../json.js';

/** No route leads from a state of the invariants' `unreachable` pairs to its partner; a route found is shown. */
export const forbiddenRoutes: GraphCheck = {
  name: 'forbidden-routes',
  description: 'No sequence of events leads between the pairs of states the rules keep apart (e.g. formal → pool, P6).',
  phase: 'graph',
  run: ({ ctx, report }, graph) => {
    for (const { from, to, rule } of ctx.invariants.unreachable) {
      const fromNode = graph.nodes.get(from);
      const toNode = graph.nodes.get(to);
      if (!fromNode || !toNode) continue;
      const reached = graph.reach(graph.under(fromNode).map((l) => l.path));
      const hit = graph.under(toNode).find((l) => reached.has(l.path));
      if (!hit) continue;
      const route = graph.route(reached, hit.path).map((e) => `${e.from} —${e.event}→ ${e.to}`);
      report(fromNode.docPath, `${quote(from)} must never lead to ${quote(to)} (${rule}), but it does: ${route.join(', ')}`);
    }
  },
};
