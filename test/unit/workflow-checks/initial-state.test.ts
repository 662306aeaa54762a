import { describe, it } from 'vitest';
import { initialState } from '../../../src/workflow/validation/checks/initial-state.js';
import { expectAccepted, expectRefused, WORKFLOW_NAMES } from '../../support/workflow-checks.js';

describe('initial-state check', () => {
  describe('initial', () => {
    it('should refuse an initial that names no state', () => {
      expectRefused(initialState, { workflow: 'contract', edit: (d) => (d.initial = 'nowhere') }, [
        { path: 'initial', message: 'must name one of the top-level states' },
      ]);
    });

    it('should refuse an initial that names a child state', () => {
      expectRefused(initialState, { workflow: 'customer', edit: (d) => (d.initial = 'prospect.pendingAudit') }, [
        { path: 'initial', message: 'must name one of the top-level states' },
      ]);
    });

    it.each(WORKFLOW_NAMES)('should accept the initial state of the repository document of %s', (workflow) => {
      expectAccepted(initialState, { workflow });
    });
  });
});
