/** Every transition says who may send it. */
import type { DocumentCheck } from '../check.js';
import { isObject } from '../json.js';
import { authorityGuards, guardNames, knownGuards } from '../names.js';

/** Every transition has a guard, and it includes one whose refusal is FORBIDDEN (a guard that names who may act). */
export const transitionsGuarded: DocumentCheck = {
  name: 'transitions-guarded',
  description: 'Every transition has a guard that includes one saying who may send it (a guard whose refusal is FORBIDDEN).',
  phase: 'shape',
  run: ({ ctx, report }) => {
    const known = knownGuards(ctx);
    const authority = authorityGuards(ctx);
    return {
      transition({ value, at }) {
        if (!isObject(value)) return;
        if (value.guard === undefined) return report(at, `has no guard; every transition says who may send it (one of ${authority.join(', ')})`);
        // Unknown or malformed guards are known-guards' to report; judge only the names that resolve.
        const names = guardNames(value.guard, `${at}.guard`, known);
        if (names.length > 0 && !names.some((g) => authority.includes(g)))
          report(`${at}.guard`, `must include a guard that says who may send it (one of ${authority.join(', ')})`);
      },
    };
  },
};
