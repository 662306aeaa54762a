/** `on` maps events to transitions; each transition is a target or `{ target, guard, actions, description }`. */
import type { DocumentCheck } from '../check.js';
import { isObject, reportUnknownKeys } from '../json.js';

/** A state's `on` is an object of non-empty transition lists, each transition with known keys and a string target. */
export const transitionShape: DocumentCheck = {
  name: 'transition-shape',
  description:
    'on maps event names to a transition or a non-empty list of them; a transition is a target or an object with only target (a state name), guard, actions and description.',
  phase: 'shape',
  run: ({ report }) => ({
    stateExit({ doc, at }) {
      if (doc.on !== undefined && !isObject(doc.on)) report(`${at}.on`, 'must be an object: event name → transition');
    },
    on({ value, at }) {
      if (Array.isArray(value) && value.length === 0) report(at, 'must list at least one transition');
    },
    transition({ value, at }) {
      if (!isObject(value)) return report(at, 'must be a target or an object { target, guard, actions }');
      reportUnknownKeys(value, ['target', 'guard', 'actions', 'description'], at, report);
      if (value.target !== undefined && typeof value.target !== 'string') report(`${at}.target`, 'must be a state name');
    },
  }),
};
