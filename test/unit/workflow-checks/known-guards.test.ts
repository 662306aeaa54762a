import { describe, it } from 'vitest';
import type { WorkflowDocument } from '../../../src/workflow/document.js';
import { knownGuards } from '../../../src/workflow/validation/checks/known-guards.js';
import { expectAccepted, expectRefused, transitionOf } from '../../support/workflow-checks.js';

describe('known-guards check', () => {
  describe('guard names', () => {
    it('should refuse a guard the code does not implement, naming those it does', () => {
      expectRefused(knownGuards, { workflow: 'customer', edit: (d) => (transitionOf(d, 'pool', 'CLAIM').guard = 'isFriday') }, [
        {
          path: 'states.pool.on.CLAIM.guard',
          message: '`isFriday` is not a known guard (isSystem, notCoolingDown, targetNotCoolingDown, viaContract, isSales, underHoldingCap',
        },
      ]);
    });

    it('should refuse an unknown guard inside { "and": [...] }, at its index', () => {
      expectRefused(
        knownGuards,
        { workflow: 'contract', edit: (d) => (transitionOf(d, 'confirmed', 'TERMINATE').guard = { and: ['isManager', 'isFriday'] }) },
        [{ path: 'states.confirmed.on.TERMINATE.guard.and[1]', message: '`isFriday` is not a known guard' }],
      );
    });
  });

  describe('guard expressions', () => {
    it('should refuse an empty "and", another combinator, and a guard that is not a name', () => {
      const edit = (d: WorkflowDocument) => {
        Object.assign(transitionOf(d, 'draft', 'UPDATE'), { guard: { and: [] } });
        Object.assign(transitionOf(d, 'reserved', 'UPDATE'), { guard: { and: ['mayEdit', { or: ['isComplete'] }] } });
        Object.assign(transitionOf(d, 'draft', 'VOID'), { guard: 7 });
      };
      expectRefused(knownGuards, { workflow: 'contract', edit }, [
        { path: 'states.reserved.on.UPDATE.guard.and[1]', message: 'must be a guard name or { "and": [guard, …] }' },
        { path: 'states.draft.on.UPDATE.guard', message: 'must be a guard name or { "and": [guard, …] }' },
        { path: 'states.draft.on.VOID.guard', message: 'must be a guard name or { "and": [guard, …] }' },
      ]);
    });

    it('should accept nested "and"s of known guards', () => {
      expectAccepted(knownGuards, {
        workflow: 'contract',
        edit: (d) => (transitionOf(d, 'draft', 'UPDATE').guard = { and: ['mayEdit', { and: ['isComplete'] }] }),
      });
    });
  });
});
