import { describe, it } from 'vitest';
import type { WorkflowDocument } from '../../../src/workflow/document.js';
import { stateShape } from '../../../src/workflow/validation/checks/state-shape.js';
import { expectAccepted, expectRefused, stateOf, withHold } from '../../support/workflow-checks.js';

describe('state-shape check', () => {
  describe('states objects', () => {
    it('should refuse a document whose states are not an object of states', () => {
      expectRefused(stateShape, { workflow: 'customer', edit: (d) => Object.assign(d, { states: [] }) }, [
        { path: 'states', message: 'must be an object with at least one state' },
      ]);
    });

    it('should refuse empty child states', () => {
      expectRefused(stateShape, { workflow: 'customer', edit: (d) => (stateOf(d, 'prospect').states = {}) }, [
        { path: 'states.prospect.states', message: 'must be an object with at least one state' },
        { path: 'states.prospect.initial', message: 'must name one of its child states' },
      ]);
    });
  });

  describe('a state', () => {
    it('should refuse a state name with a dot, and a state that is not an object', () => {
      expectRefused(stateShape, { workflow: 'customer', edit: (d) => Object.assign(d.states, { 'on.hold': { meta: { label: 'x' } }, archive: 'pool' }) }, [
        { path: 'states.on.hold', message: 'a state name is letters and digits (no dots or spaces)' },
        { path: 'states.archive', message: 'must be an object { meta, on, states, initial, type }' },
      ]);
    });

    it('should refuse an unknown key and a type other than final', () => {
      expectRefused(stateShape, { workflow: 'customer', edit: (d) => Object.assign(stateOf(d, 'formal'), { type: 'parallel', after: { 1000: 'pool' } }) }, [
        { path: 'states.formal.after', message: 'is not a known key (type, initial, meta, on, states)' },
        { path: 'states.formal.type', message: 'may only be "final"' },
      ]);
    });

    it('should refuse a final state with transitions', () => {
      expectRefused(
        stateShape,
        { workflow: 'application', edit: (d) => (stateOf(d, 'approved').on = { WITHDRAW: { target: 'withdrawn', guard: 'isApplicant' } }) },
        [{ path: 'states.approved', message: 'a final state has no transitions and no child states' }],
      );
    });
  });

  describe('initial child', () => {
    it('should refuse an initial that names no child, and an initial on a state without children', () => {
      const edit = (d: WorkflowDocument) => {
        stateOf(d, 'prospect').initial = 'waiting';
        stateOf(d, 'formal').initial = 'pool';
      };
      expectRefused(stateShape, { workflow: 'customer', edit }, [
        { path: 'states.prospect.initial', message: 'must name one of its child states' },
        { path: 'states.formal.initial', message: 'only a state with child states has an initial state' },
      ]);
    });

    it('should accept a new child state of a compound state', () => {
      expectAccepted(stateShape, { workflow: 'customer', edit: withHold });
    });
  });
});
