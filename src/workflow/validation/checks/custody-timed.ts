/** Nobody keeps an instance forever: states that hold it for someone must run out. */
import type { GraphCheck } from '../check.js';
import { quote } from '../json.js';

/**
 * P2 (customer): every leaf state the workflow says holds custody (a prospect or intent customer
 * has a custodian) declares a deadline, on itself or a state around it — except states whose
 * exit is another record's decision (a customer in audit waits for its PROTECTION application).
 * A designer-added `prospect.onHold` without a deadline would keep a customer forever.
 */
export const custodyTimed: GraphCheck = {
  name: 'custody-timed',
  description: 'Every state that holds an instance for someone (custody) has a deadline that moves it on.',
  phase: 'graph',
  run: ({ ctx, report }, graph) => {
    const custody = ctx.invariants.custody;
    if (!custody) return;
    for (const leaf of graph.leaves) {
      if (!custody.holds(leaf.path) || custody.exempt.includes(leaf.path)) continue;
      let timed = false;
      for (let node: typeof leaf | null = leaf; node && !timed; node = node.parent) timed = node.deadline !== undefined;
      if (!timed) {
        report(
          `${leaf.docPath}.meta`,
          `${quote(leaf.path)} holds custody (${custody.rule}) but has no deadline: add meta.deadline so it cannot be kept forever`,
        );
      }
    }
  },
};
