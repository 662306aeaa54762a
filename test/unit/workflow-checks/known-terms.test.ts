import { describe, it } from 'vitest';
import type { WorkflowDocument } from '../../../src/workflow/document.js';
import { knownTerms } from '../../../src/workflow/validation/checks/known-terms.js';
import { expectAccepted, expectRefused, stateOf, TERM_NAMES } from '../../support/workflow-checks.js';

const intentTerm = (term: string) => ({
  edit: (d: WorkflowDocument) => Object.assign(stateOf(d, 'intent').meta ?? {}, { deadline: { event: 'TERM_EXPIRED', term } }),
});

describe('known-terms check', () => {
  describe('policy terms', () => {
    it('should refuse a deadline term the policy does not define', () => {
      expectRefused(knownTerms, { workflow: 'customer', ...intentTerm('fortnight') }, [
        { path: 'states.intent.meta.deadline.term', message: 'must be a policy term: rejectionRelease, prospectTerm, intentTerm' },
      ]);
    });

    it('should accept every term the policy defines', () => {
      for (const term of TERM_NAMES) expectAccepted(knownTerms, { workflow: 'customer', ...intentTerm(term) });
    });
  });

  describe('the context’s terms', () => {
    it('should judge by the term names the context supplies, not a fixed list', () => {
      expectRefused(knownTerms, { workflow: 'customer', terms: ['prospectTerm', 'rejectionRelease'] }, [
        { path: 'states.intent.meta.deadline.term', message: 'must be a policy term: prospectTerm, rejectionRelease' },
      ]);
      expectAccepted(knownTerms, { workflow: 'customer', terms: [...TERM_NAMES, 'holdTerm'], ...intentTerm('holdTerm') });
    });
  });
});
