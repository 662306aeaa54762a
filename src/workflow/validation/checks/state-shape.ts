/** States are named objects with known keys; final states are leaves; compound states name their initial child. */
import type { DocumentCheck } from '../check.js';
import { isObject, reportUnknownKeys } from '../json.js';

const NAME = /^[A-Za-z][A-Za-z0-9]*$/;

/** Every `states` object has states, each an object `{ type?, initial?, meta, on?, states? }` whose initial names a child. */
export const stateShape: DocumentCheck = {
  name: 'state-shape',
  description:
    'Every states object has at least one state; a state is named with letters and digits, has only the keys type, initial, meta, on and states, is "final" only without transitions or child states, and names its initial child when it has children.',
  phase: 'shape',
  run: ({ report }) => ({
    states({ value, at }) {
      if (!isObject(value) || Object.keys(value).length === 0) report(at, 'must be an object with at least one state');
    },
    state({ key, value, at }) {
      if (!NAME.test(key)) report(at, 'a state name is letters and digits (no dots or spaces)');
      if (!isObject(value)) return report(at, 'must be an object { meta, on, states, initial, type }');
      reportUnknownKeys(value, ['type', 'initial', 'meta', 'on', 'states'], at, report);
      if (value.type !== undefined && value.type !== 'final') report(`${at}.type`, 'may only be "final"');
      if (value.type === 'final' && (value.on !== undefined || value.states !== undefined)) report(at, 'a final state has no transitions and no child states');
    },
    stateExit({ doc, at }) {
      if (doc.states !== undefined) {
        if (typeof doc.initial !== 'string' || !isObject(doc.states) || !(doc.initial in doc.states))
          report(`${at}.initial`, 'must name one of its child states');
      } else if (doc.initial !== undefined) report(`${at}.initial`, 'only a state with child states has an initial state');
    },
  }),
};
