import { describe, it } from 'vitest';
import type { WorkflowDocument } from '../../../src/workflow/document.js';
import { custodyTimed } from '../../../src/workflow/validation/checks/custody-timed.js';
import { expectAccepted, expectRefused, stateOf, withHold } from '../../support/workflow-checks.js';

/** A designer's `prospect.onHold` with its deadline taken away: a customer held there would be kept forever. */
function holdForever(d: WorkflowDocument): void {
  withHold(d);
  const onHold = stateOf(d, 'prospect.onHold');
  delete onHold.meta?.deadline;
}

describe('custody-timed check (P2)', () => {
  it('should refuse a state that holds a customer for someone without a deadline', () => {
    expectRefused(custodyTimed, { workflow: 'customer', edit: holdForever }, [
      { path: 'states.prospect.states.onHold.meta', message: '`prospect.onHold` holds custody (P2) but has no deadline' },
    ]);
  });

  it('should refuse an intent state whose term was removed', () => {
    expectRefused(custodyTimed, { workflow: 'customer', edit: (d) => delete stateOf(d, 'intent').meta?.deadline }, [
      { path: 'states.intent.meta', message: '`intent` holds custody (P2) but has no deadline' },
    ]);
  });

  it('should accept a hold state with a deadline, the repository machine (audit waits for its application), and machines without custody', () => {
    expectAccepted(custodyTimed, { workflow: 'customer', edit: withHold });
    expectAccepted(custodyTimed, { workflow: 'customer' });
    expectAccepted(custodyTimed, { workflow: 'contract' });
  });
});
