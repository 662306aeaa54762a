/** The document is a JSON object with only the keys a machine document has. */
import type { DocumentCheck } from '../check.js';
import { isObject, reportUnknownKeys } from '../json.js';

const KEYS = ['id', 'initial', 'events', 'states'];

/** A machine document is an object of `id`, `initial`, `events` and `states`, and nothing else. */
export const documentShape: DocumentCheck = {
  name: 'document-shape',
  description: 'The document is a JSON object with the keys id, initial, events and states, and no others.',
  phase: 'shape',
  run: ({ report }) => ({
    document(input) {
      if (!isObject(input)) report('', 'must be a JSON object with id, initial, events and states');
      else reportUnknownKeys(input, KEYS, '', report);
    },
  }),
};
