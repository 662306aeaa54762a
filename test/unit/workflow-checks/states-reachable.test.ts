import { describe, it } from 'vitest';
import { statesReachable } from '../../../src/workflow/validation/checks/states-reachable.js';
import { expectAccepted, expectRefused, onOf, withHold } from '../../support/workflow-checks.js';

describe('states-reachable check', () => {
  describe('reachability', () => {
    it('should refuse a state nothing leads to', () => {
      expectRefused(statesReachable, { workflow: 'customer', edit: (d) => (d.states.archive = { meta: { label: '归档' } }) }, [
        { path: 'states.archive', message: '`archive` is not reachable from the initial state `prospect.pendingAudit`' },
      ]);
    });

    it('should refuse a state whose only way in was removed', () => {
      expectRefused(statesReachable, { workflow: 'application', edit: (d) => delete onOf(d, 'pending').LAPSE }, [
        { path: 'states.lapsed', message: '`lapsed` is not reachable from the initial state `pending`' },
      ]);
    });

    it('should accept a new state an event leads to', () => {
      expectAccepted(statesReachable, { workflow: 'customer', edit: withHold });
    });
  });
});
