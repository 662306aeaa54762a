import { describe, it } from 'vitest';
import { knownActions } from '../../../src/workflow/validation/checks/known-actions.js';
import { expectAccepted, expectRefused, transitionOf } from '../../support/workflow-checks.js';

describe('known-actions check', () => {
  describe('actions', () => {
    it('should refuse an action the code does not implement, naming those it does', () => {
      expectRefused(knownActions, { workflow: 'customer', edit: (d) => (transitionOf(d, 'pool', 'CLAIM').actions = 'sendFlowers') }, [
        {
          path: 'states.pool.on.CLAIM.actions',
          message: '"sendFlowers" is not a known action (releaseCustody, holdTerm, releaseHold, handToAfterSales, takeCustody, transferCustody',
        },
      ]);
    });

    it('should refuse an item of a list of actions, at its index', () => {
      expectRefused(
        knownActions,
        { workflow: 'customer', edit: (d) => Object.assign(transitionOf(d, 'intent', 'ABANDON'), { actions: ['startCoolDown', 7] }) },
        [{ path: 'states.intent.on.ABANDON.actions[1]', message: '7 is not a known action' }],
      );
    });

    it('should accept a list of known actions', () => {
      expectAccepted(knownActions, { workflow: 'customer', edit: (d) => (transitionOf(d, 'pool', 'CLAIM').actions = ['takeCustody']) });
    });
  });
});
