/** XState builds a machine from the document. */
import type { GraphCheck } from '../check.js';
import { buildMachine, type WorkflowDocument } from '../../document.js';
import { isObject } from '../json.js';

/**
 * The top level of a machine document. The shape checks have vouched for everything below it by
 * the time this phase runs, which is what lets the document be handed to XState as one.
 */
function isMachineDocument(doc: unknown): doc is WorkflowDocument {
  return isObject(doc) && typeof doc.id === 'string' && typeof doc.initial === 'string' && isObject(doc.events) && isObject(doc.states);
}

/** The last word: `createMachine` accepts the document with the code's implementation. */
export const xstateAccepts: GraphCheck = {
  name: 'xstate-accepts',
  description: 'XState builds a machine from the document with the code’s guards, actions and context.',
  phase: 'machine',
  run: ({ ctx, report }, graph) => {
    if (!isMachineDocument(graph.document)) return; // document-shape and state-shape report it
    try {
      buildMachine(ctx.implementation, graph.document);
    } catch (err) {
      report('', `XState refuses the document: ${err instanceof Error ? err.message : String(err)}`);
    }
  },
};
