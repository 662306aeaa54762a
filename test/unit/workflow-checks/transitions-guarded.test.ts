import { describe, expect, it } from 'vitest';
import { transitionsGuarded } from '../../../src/workflow/validation/checks/transitions-guarded.js';
import { expectAccepted, expectRefused, onOf, runOne, transitionOf } from '../../support/workflow-checks.js';

const WHO =
  '(one of isSystem, viaContract, isSales, isCustodian, isManager, viaApplication, actorReaches, inMemberPool, mayAssignFromPool, mayLock, mayUnlock, managesTeam, handsOver)';

describe('transitions-guarded check', () => {
  describe('a missing guard', () => {
    it('should refuse a transition without a guard, naming the guards that say who may act', () => {
      expectRefused(transitionsGuarded, { workflow: 'customer', edit: (d) => delete transitionOf(d, 'pool', 'CLAIM').guard }, [
        { path: 'states.pool.on.CLAIM', message: `has no guard; every transition says who may send it ${WHO}` },
      ]);
    });

    it('should refuse a bare target, which has no guard', () => {
      expectRefused(transitionsGuarded, { workflow: 'customer', edit: (d) => (onOf(d, 'intent').ABANDON = 'pool') }, [
        { path: 'states.intent.on.ABANDON', message: 'has no guard' },
      ]);
    });
  });

  describe('who may send it', () => {
    it('should refuse a guard that checks only the input, not who sends it', () => {
      expectRefused(transitionsGuarded, { workflow: 'customer', edit: (d) => (transitionOf(d, 'intent', 'ABANDON').guard = 'hasReason') }, [
        { path: 'states.intent.on.ABANDON.guard', message: `must include a guard that says who may send it ${WHO}` },
      ]);
    });

    it('should accept a guard that names who may act among others', () => {
      expectAccepted(transitionsGuarded, {
        workflow: 'application',
        edit: (d) => (transitionOf(d, 'pending', 'REJECT').guard = { and: ['hasReason', 'isStepDecider'] }),
      });
    });

    it('should leave unknown and malformed guards to known-guards', () => {
      expect(runOne(transitionsGuarded, { workflow: 'customer', edit: (d) => (transitionOf(d, 'pool', 'CLAIM').guard = 'isFriday') })).toEqual([]);
    });
  });
});
