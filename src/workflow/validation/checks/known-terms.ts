/** A deadline runs for a term the policy defines. */
import type { DocumentCheck } from '../check.js';

/** P11: `meta.deadline.term` is one of the policy's term names (`ctx.terms`). */
export const knownTerms: DocumentCheck = {
  name: 'known-terms',
  description: 'A state’s deadline names a term the policy defines.',
  phase: 'shape',
  run: ({ ctx, report }) => ({
    deadline({ deadline, at }) {
      if (typeof deadline.term !== 'string' || !ctx.terms.includes(deadline.term)) report(`${at}.term`, `must be a policy term: ${ctx.terms.join(', ')}`);
    },
  }),
};
