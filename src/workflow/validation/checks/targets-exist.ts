/** Every target names a state of this document. */
import type { GraphCheck } from '../check.js';
import { quote } from '../json.js';

/** A target is a sibling's name, `.child`, or `#<workflow>.path`, and the state it names exists. */
export const targetsExist: GraphCheck = {
  name: 'targets-exist',
  description: 'Every transition’s target names a state: a sibling, .child, or #workflow.path.',
  phase: 'targets',
  run: ({ ctx, report }, graph) => {
    for (const { docPath, target } of graph.unresolved) {
      report(`${docPath}.target`, `${quote(target)} does not name a state (use a sibling name, .child, or #${ctx.name}.path)`);
    }
  },
};
