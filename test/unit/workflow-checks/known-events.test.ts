import { describe, it } from 'vitest';
import { knownEvents } from '../../../src/workflow/validation/checks/known-events.js';
import { expectAccepted, expectRefused, onOf, stateOf, withHold } from '../../support/workflow-checks.js';

describe('known-events check', () => {
  describe('transitions', () => {
    it('should refuse a transition on an event the document does not declare', () => {
      expectRefused(knownEvents, { workflow: 'customer', edit: (d) => (onOf(d, 'formal').PING = { guard: 'isManager' }) }, [
        { path: 'states.formal.on.PING', message: '`PING` is not declared in events' },
      ]);
    });

    it('should accept transitions on newly declared events', () => {
      expectAccepted(knownEvents, { workflow: 'customer', edit: withHold });
    });
  });

  describe('deadlines', () => {
    it('should refuse a deadline that sends an undeclared event', () => {
      expectRefused(
        knownEvents,
        { workflow: 'customer', edit: (d) => Object.assign(stateOf(d, 'intent').meta ?? {}, { deadline: { event: 'TIME_UP', term: 'intentTerm' } }) },
        [{ path: 'states.intent.meta.deadline.event', message: 'must name an event declared in events' }],
      );
    });
  });
});
