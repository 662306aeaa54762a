/** New instances have somewhere to start. */
import type { GraphCheck } from '../check.js';

/** `initial` names one of the top-level states. */
export const initialState: GraphCheck = {
  name: 'initial-state',
  description: 'initial names one of the top-level states.',
  phase: 'initial',
  run: ({ report }, graph) => {
    if (!graph.initial) report('initial', 'must name one of the top-level states');
  },
};
