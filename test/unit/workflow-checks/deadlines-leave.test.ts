import { describe, it } from 'vitest';
import type { WorkflowDocument } from '../../../src/workflow/document.js';
import { deadlinesLeave } from '../../../src/workflow/validation/checks/deadlines-leave.js';
import { expectAccepted, expectRefused, onOf, stateOf, withHold } from '../../support/workflow-checks.js';

describe('deadlines-leave check', () => {
  describe('a timed state', () => {
    it('should refuse a timed state its deadline event does not leave', () => {
      expectRefused(deadlinesLeave, { workflow: 'customer', edit: (d) => delete onOf(d, 'intent').TERM_EXPIRED }, [
        { path: 'states.intent.meta.deadline', message: 'when the intentTerm of `intent` passes, TERM_EXPIRED must leave `intent`; no transition does' },
      ]);
    });

    it('should not count a transition that stays', () => {
      expectRefused(deadlinesLeave, { workflow: 'customer', edit: (d) => (onOf(d, 'intent').TERM_EXPIRED = { guard: 'isSystem' }) }, [
        { path: 'states.intent.meta.deadline', message: 'TERM_EXPIRED must leave `intent`' },
      ]);
    });

    it('should check every leaf of a timed compound state', () => {
      const edit = (d: WorkflowDocument) => Object.assign(stateOf(d, 'prospect').meta ?? {}, { deadline: { event: 'TERM_EXPIRED', term: 'prospectTerm' } });
      expectRefused(deadlinesLeave, { workflow: 'customer', edit }, [
        { path: 'states.prospect.meta.deadline', message: 'when the prospectTerm of `prospect.pendingAudit` passes, TERM_EXPIRED must leave `prospect`' },
        { path: 'states.prospect.meta.deadline', message: 'when the prospectTerm of `prospect.rejected` passes, TERM_EXPIRED must leave `prospect`' },
      ]);
    });
  });

  describe('valid deadlines', () => {
    it('should accept a new timed state that leaves on its deadline', () => {
      const edit = (d: WorkflowDocument) => {
        withHold(d);
        const onHold = stateOf(d, 'prospect.onHold');
        onHold.meta = { label: '暂停 On hold', deadline: { event: 'TERM_EXPIRED', term: 'prospectTerm' } };
        onOf(d, 'prospect.onHold').TERM_EXPIRED = { target: '#customer.pool', guard: 'isSystem', actions: 'releaseCustody' };
      };
      expectAccepted(deadlinesLeave, { workflow: 'customer', edit });
    });
  });
});
