/** Actions are the code's. */
import type { DocumentCheck } from '../check.js';
import { isObject } from '../json.js';
import { knownActions as actionsOf } from '../names.js';

/** Every action a transition names (one, or a list) is an action the code implements. */
export const knownActions: DocumentCheck = {
  name: 'known-actions',
  description: 'Every action a transition names is an action the code implements.',
  phase: 'shape',
  run: ({ ctx, report }) => {
    const known = actionsOf(ctx);
    return {
      transition({ value, at }) {
        if (!isObject(value) || value.actions === undefined) return;
        const list: unknown[] = Array.isArray(value.actions) ? value.actions : [value.actions];
        list.forEach((action, i) => {
          const path = Array.isArray(value.actions) ? `${at}.actions[${i}]` : `${at}.actions`;
          if (typeof action !== 'string' || !known.includes(action)) report(path, `${JSON.stringify(action)} is not a known action (${known.join(', ')})`);
        });
      },
    };
  },
};
