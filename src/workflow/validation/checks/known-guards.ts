/** Guards are the code's: a name it implements, or all of several (`{ "and": [...] }`). */
import type { DocumentCheck } from '../check.js';
import { isObject } from '../json.js';
import { guardNames, knownGuards as guardsOf } from '../names.js';

/** Every guard is a known guard name or a non-empty `{ "and": [...] }` of guards. */
export const knownGuards: DocumentCheck = {
  name: 'known-guards',
  description: 'Every guard is a guard the code implements, or { "and": [guard, …] } of such guards.',
  phase: 'shape',
  run: ({ ctx, report }) => {
    const known = guardsOf(ctx);
    return {
      transition({ value, at }) {
        if (isObject(value) && value.guard !== undefined) guardNames(value.guard, `${at}.guard`, known, report);
      },
    };
  },
};
