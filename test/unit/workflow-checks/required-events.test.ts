import { describe, it } from 'vitest';
import type { WorkflowDocument } from '../../../src/workflow/document.js';
import { requiredEvents } from '../../../src/workflow/validation/checks/required-events.js';
import { expectAccepted, expectRefused, onOf } from '../../support/workflow-checks.js';

describe('required-events check', () => {
  describe('events the product sends', () => {
    it('should refuse removing the declaration of an event the product sends', () => {
      const edit = (d: WorkflowDocument) => {
        delete d.events.INTENT_APPROVED;
        delete onOf(d, 'prospect.protected').INTENT_APPROVED;
      };
      expectRefused(requiredEvents, { workflow: 'customer', edit }, [
        { path: 'events', message: 'the product sends `INTENT_APPROVED`; it must stay declared' },
      ]);
    });

    it('should refuse a state that no longer accepts an event the product sends there', () => {
      expectRefused(requiredEvents, { workflow: 'customer', edit: (d) => delete onOf(d, 'prospect.pendingAudit').PROTECTION_REJECTED }, [
        {
          path: 'states.prospect.states.pendingAudit.on',
          message: 'the product sends `PROTECTION_REJECTED` in `prospect.pendingAudit`; it must stay accepted there',
        },
      ]);
    });

    it('should refuse an event the product sends anywhere that no state accepts', () => {
      const edit = (d: WorkflowDocument) => {
        delete onOf(d, 'reserved').VOID;
        delete onOf(d, 'draft').VOID;
      };
      expectRefused(requiredEvents, { workflow: 'contract', edit }, [{ path: 'states', message: 'the product sends `VOID`; some state must accept it' }]);
    });
  });

  describe('where an event is accepted', () => {
    it('should accept an event handled by a state around the one the product sends it in', () => {
      const edit = (d: WorkflowDocument) => {
        onOf(d, 'prospect').RESUBMIT = { target: '.pendingAudit', guard: 'isCustodian' };
        delete onOf(d, 'prospect.rejected').RESUBMIT;
      };
      expectAccepted(requiredEvents, { workflow: 'customer', edit });
    });
  });
});
