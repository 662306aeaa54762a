import { describe, it } from 'vitest';
import { requiredInitialState } from '../../../src/workflow/validation/checks/required-initial-state.js';
import { expectAccepted, expectRefused, stateOf } from '../../support/workflow-checks.js';

describe('required-initial-state check', () => {
  describe('where new instances start', () => {
    it('should refuse a different initial state', () => {
      expectRefused(requiredInitialState, { workflow: 'customer', edit: (d) => (d.initial = 'pool') }, [
        { path: 'initial', message: 'new instances must start in `prospect.pendingAudit` (the product relies on it); this document starts in `pool`' },
      ]);
    });

    it('should follow a compound initial state down to the leaf it enters', () => {
      expectRefused(requiredInitialState, { workflow: 'customer', edit: (d) => (stateOf(d, 'prospect').initial = 'protected') }, [
        { path: 'initial', message: 'this document starts in `prospect.protected`' },
      ]);
    });

    it('should accept a document that starts where the product expects', () => {
      expectAccepted(requiredInitialState, { workflow: 'application' });
    });
  });
});
