import { describe, it } from 'vitest';
import { documentId } from '../../../src/workflow/validation/checks/document-id.js';
import { expectAccepted, expectRefused } from '../../support/workflow-checks.js';

describe('document-id check', () => {
  describe('the id', () => {
    it('should refuse an id other than the workflow’s name, which absolute targets refer to', () => {
      expectRefused(documentId, { workflow: 'application', edit: (d) => (d.id = 'other') }, [
        { path: 'id', message: 'must be "application" (targets such as #application.x refer to it)' },
      ]);
    });

    it('should accept the workflow’s own name', () => {
      expectAccepted(documentId, { workflow: 'contract', edit: (d) => (d.id = 'contract') });
    });
  });
});
