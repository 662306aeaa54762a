import { describe, it } from 'vitest';
import { stateMeta } from '../../../src/workflow/validation/checks/state-meta.js';
import { expectAccepted, expectRefused, stateOf } from '../../support/workflow-checks.js';

describe('state-meta check', () => {
  describe('meta', () => {
    it('should refuse a state without meta', () => {
      expectRefused(stateMeta, { workflow: 'customer', edit: (d) => delete stateOf(d, 'formal').meta }, [
        { path: 'states.formal.meta', message: 'is required: { label, description?, deadline? }' },
      ]);
    });

    it('should refuse an unknown key, a blank label and a description that is not a string', () => {
      expectRefused(
        stateMeta,
        { workflow: 'contract', edit: (d) => Object.assign(stateOf(d, 'draft'), { meta: { label: '  ', colour: 'blue', description: 7 } }) },
        [
          { path: 'states.draft.meta.colour', message: 'is not a known key (label, description, deadline)' },
          { path: 'states.draft.meta.label', message: 'is required' },
          { path: 'states.draft.meta.description', message: 'must be a string' },
        ],
      );
    });

    it('should accept a state with a label only', () => {
      expectAccepted(stateMeta, { workflow: 'customer', edit: (d) => (stateOf(d, 'formal').meta = { label: '正式客户 Formal' }) });
    });
  });

  describe('deadline', () => {
    it('should refuse a deadline that is not { event, term }', () => {
      expectRefused(stateMeta, { workflow: 'customer', edit: (d) => Object.assign(stateOf(d, 'intent').meta ?? {}, { deadline: 'P30D' }) }, [
        { path: 'states.intent.meta.deadline', message: 'must be { event, term }' },
      ]);
    });
  });
});
