import { describe, it } from 'vitest';
import type { WorkflowDocument } from '../../../src/workflow/document.js';
import { requiredStates } from '../../../src/workflow/validation/checks/required-states.js';
import { expectAccepted, expectRefused, renameState, transitionOf, withHold } from '../../support/workflow-checks.js';

describe('required-states check', () => {
  describe('states the product reads by name', () => {
    it('should refuse renaming a state the product relies on', () => {
      const edit = (d: WorkflowDocument) => {
        renameState(d, 'intent', 'lead');
        transitionOf(d, 'prospect.protected', 'INTENT_APPROVED').target = '#customer.lead';
      };
      expectRefused(requiredStates, { workflow: 'customer', edit }, [
        { path: 'states', message: 'the product relies on the state `intent`; it may not be removed or renamed' },
      ]);
    });

    it('should refuse moving a child state the product relies on', () => {
      const edit = (d: WorkflowDocument) => {
        renameState(d, 'prospect.rejected', 'declined');
        transitionOf(d, 'prospect.pendingAudit', 'PROTECTION_REJECTED').target = 'declined';
      };
      expectRefused(requiredStates, { workflow: 'customer', edit }, [{ path: 'states', message: 'the product relies on the state `prospect.rejected`' }]);
    });

    it('should accept new states beside them', () => {
      expectAccepted(requiredStates, { workflow: 'customer', edit: withHold });
    });
  });
});
