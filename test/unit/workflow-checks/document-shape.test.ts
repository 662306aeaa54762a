import { describe, it } from 'vitest';
import { documentShape } from '../../../src/workflow/validation/checks/document-shape.js';
import { expectAccepted, expectRefused, replace, WORKFLOW_NAMES } from '../../support/workflow-checks.js';

describe('document-shape check', () => {
  describe('what is not a document', () => {
    it('should refuse input that is not a JSON object', () => {
      expectRefused(documentShape, { workflow: 'application', edit: replace([]) }, [
        { path: '', message: 'must be a JSON object with id, initial, events and states' },
      ]);
    });

    it('should refuse a top-level key a machine document does not have', () => {
      expectRefused(documentShape, { workflow: 'customer', edit: (d) => Object.assign(d, { version: 2 }) }, [
        { path: 'version', message: 'is not a known key (id, initial, events, states)' },
      ]);
    });
  });

  describe('documents', () => {
    it.each(WORKFLOW_NAMES)('should accept the repository document of %s', (workflow) => {
      expectAccepted(documentShape, { workflow });
    });
  });
});
