import { describe, it } from 'vitest';
import type { WorkflowDocument } from '../../../src/workflow/document.js';
import { forbiddenRoutes } from '../../../src/workflow/validation/checks/forbidden-routes.js';
import { expectAccepted, expectRefused, onOf } from '../../support/workflow-checks.js';

describe('forbidden-routes check', () => {
  describe('pairs of states kept apart', () => {
    it('should refuse formal leading to pool (P6), showing the route', () => {
      const edit = (d: WorkflowDocument) => {
        d.events.DEMOTE = { label: '降级', inputs: [] };
        onOf(d, 'formal').DEMOTE = { target: 'pool', guard: 'isManager' };
      };
      expectRefused(forbiddenRoutes, { workflow: 'customer', edit }, [
        { path: 'states.formal', message: '`formal` must never lead to `pool` (P6), but it does: formal —DEMOTE→ pool' },
      ]);
    });

    it('should refuse a route of several steps, for every pair it breaks (C2, C4)', () => {
      const edit = (d: WorkflowDocument) => {
        d.events.REOPEN = { label: '重开', inputs: [] };
        onOf(d, 'confirmed').REOPEN = { target: 'draft', guard: 'isManager' };
      };
      expectRefused(forbiddenRoutes, { workflow: 'contract', edit }, [
        { path: 'states.confirmed', message: '`confirmed` must never lead to `draft` (C2), but it does: confirmed —REOPEN→ draft' },
        { path: 'states.confirmed', message: '`confirmed` must never lead to `voided` (C4), but it does: confirmed —REOPEN→ draft, draft —VOID→ voided' },
      ]);
    });
  });

  describe('allowed routes', () => {
    it('should accept routes into a kept-apart state from elsewhere, and transitions that stay', () => {
      const edit = (d: WorkflowDocument) => {
        d.events.REOPEN = { label: '重开', inputs: [] };
        onOf(d, 'draft').REOPEN = { target: 'reserved', guard: 'mayEdit' };
        onOf(d, 'confirmed').REOPEN = { guard: 'isManager' };
      };
      expectAccepted(forbiddenRoutes, { workflow: 'contract', edit });
    });
  });
});
