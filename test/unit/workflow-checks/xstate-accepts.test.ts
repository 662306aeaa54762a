import { describe, expect, it } from 'vitest';
import type { WorkflowDocument } from '../../../src/workflow/document.js';
import { xstateAccepts } from '../../../src/workflow/validation/checks/xstate-accepts.js';
import { expectAccepted, runAll, runOne, transitionOf, WORKFLOW_NAMES } from '../../support/workflow-checks.js';

describe('xstate-accepts check', () => {
  describe('the machine', () => {
    it('should report what XState refuses, with its message', () => {
      const broken = { workflow: 'customer' as const, edit: (d: WorkflowDocument) => (transitionOf(d, 'pool', 'CLAIM').target = '#customer.vip') };
      expect(runOne(xstateAccepts, broken)).toEqual([
        { path: '', message: expect.stringContaining("XState refuses the document: Child state 'vip' does not exist") },
      ]);
      // The full validator stops at the earlier phase that names the problem for designers.
      expect(runAll(broken).map((p) => p.check)).toEqual(['targets-exist']);
    });

    it.each(WORKFLOW_NAMES)('should accept the repository document of %s', (workflow) => {
      expectAccepted(xstateAccepts, { workflow });
    });
  });
});
