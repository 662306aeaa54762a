import { describe, it } from 'vitest';
import type { WorkflowDocument } from '../../../src/workflow/document.js';
import { transitionShape } from '../../../src/workflow/validation/checks/transition-shape.js';
import { expectAccepted, expectRefused, onOf, stateOf, transitionOf } from '../../support/workflow-checks.js';

describe('transition-shape check', () => {
  describe('on', () => {
    it('should refuse an on that is not an object', () => {
      expectRefused(transitionShape, { workflow: 'customer', edit: (d) => Object.assign(stateOf(d, 'formal'), { on: 'pool' }) }, [
        { path: 'states.formal.on', message: 'must be an object: event name → transition' },
      ]);
    });

    it('should refuse an empty list of transitions, and an item that is neither a target nor an object', () => {
      expectRefused(transitionShape, { workflow: 'customer', edit: (d) => Object.assign(onOf(d, 'intent'), { ABANDON: [], TRANSFER: [5] }) }, [
        { path: 'states.intent.on.ABANDON', message: 'must list at least one transition' },
        { path: 'states.intent.on.TRANSFER[0]', message: 'must be a target or an object { target, guard, actions }' },
      ]);
    });
  });

  describe('a transition', () => {
    it('should refuse an unknown key and a target that is not a string', () => {
      expectRefused(
        transitionShape,
        { workflow: 'customer', edit: (d) => Object.assign(transitionOf(d, 'pool', 'CLAIM'), { when: 'weekdays', target: ['prospect'] }) },
        [
          { path: 'states.pool.on.CLAIM.when', message: 'is not a known key (target, guard, actions, description)' },
          { path: 'states.pool.on.CLAIM.target', message: 'must be a state name' },
        ],
      );
    });

    it('should accept a list of transitions with descriptions', () => {
      const edit = (d: WorkflowDocument) =>
        (onOf(d, 'intent').ABANDON = [
          { target: 'pool', guard: { and: ['isCustodian', 'hasReason'] }, actions: ['startCoolDown', 'releaseCustody'], description: 'P5' },
        ]);
      expectAccepted(transitionShape, { workflow: 'customer', edit });
    });
  });
});
