import { describe, it } from 'vitest';
import type { WorkflowDocument } from '../../../src/workflow/document.js';
import { targetsExist } from '../../../src/workflow/validation/checks/targets-exist.js';
import { expectAccepted, expectRefused, onOf, transitionOf } from '../../support/workflow-checks.js';

describe('targets-exist check', () => {
  describe('targets', () => {
    it('should refuse a target that names no state, saying how targets are written', () => {
      expectRefused(targetsExist, { workflow: 'customer', edit: (d) => (transitionOf(d, 'pool', 'CLAIM').target = 'prospect.vip') }, [
        { path: 'states.pool.on.CLAIM.target', message: '`prospect.vip` does not name a state (use a sibling name, .child, or #customer.path)' },
      ]);
    });

    it('should refuse an absolute target into another machine, and a top-level name used from a child state', () => {
      const edit = (d: WorkflowDocument) => {
        transitionOf(d, 'prospect', 'ABANDON').target = '#contract.draft';
        transitionOf(d, 'prospect.protected', 'INTENT_APPROVED').target = 'intent';
      };
      // A state's transitions are reported after those of its child states.
      expectRefused(targetsExist, { workflow: 'customer', edit }, [
        { path: 'states.prospect.states.protected.on.INTENT_APPROVED.target', message: '`intent` does not name a state' },
        { path: 'states.prospect.on.ABANDON.target', message: '`#contract.draft` does not name a state' },
      ]);
    });
  });

  describe('the ways to name a state', () => {
    it('should accept a sibling, a .child and an absolute #workflow.path target', () => {
      const edit = (d: WorkflowDocument) => {
        onOf(d, 'prospect').RESUBMIT = { target: '.pendingAudit', guard: 'isCustodian' };
        transitionOf(d, 'intent', 'ABANDON').target = '#customer.pool';
        transitionOf(d, 'prospect.rejected', 'RESUBMIT').target = 'pendingAudit';
      };
      expectAccepted(targetsExist, { workflow: 'customer', edit });
    });
  });
});
