/** The follow-up plan machine (F6) bound to its table and rules: what the engine runs. */
import { followUpPlans, type FollowUpPlanRow } from '../platform/db/schema.js';
import { buildMachine } from '../workflow/document.js';
import { defineWorkflow } from '../workflow/workflow.js';
import { followUpPlanDocument, type FollowUpPlanContext, type FollowUpPlanFacts, type FollowUpPlanInput } from './follow-up-plan.machine.js';
import { f6FollowUpPlan } from './plan-rules/f6-follow-up-plan.js';

export const followUpPlanWorkflow = defineWorkflow<FollowUpPlanRow, FollowUpPlanContext, FollowUpPlanInput, FollowUpPlanFacts>({
  name: 'followUpPlan',
  entityType: 'followUpPlan',
  table: followUpPlans,
  document: followUpPlanDocument,
  rules: [f6FollowUpPlan],
  context: (input) => ({ customerId: input.customerId }),
  invariants: {
    requiredStates: ['planned', 'due', 'overdue', 'escalated', 'done', 'cancelled'],
    initialState: 'planned',
    // Sent by code: logging a follow-up (DONE), a custody change (CANCEL, CARRY).
    requiredEvents: { DONE: ['planned', 'due', 'overdue', 'escalated'], CANCEL: ['planned', 'due', 'overdue', 'escalated'], CARRY: [] },
    unreachable: [{ from: 'done', to: 'planned', rule: 'F6' }],
  },
  dedicated: { DONE: 'addFollowUp', CANCEL: 'transferCustomer', CARRY: 'transferCustomer' },
  // The plan's columns (customer, assignee, due time) are the service's; none derives from the
  // machine, so its deadlines fire set-based.
  derive: () => ({}),
});

/** Version 1 of the machine, built from the repository document (tests and diagrams). */
export const followUpPlanMachine = buildMachine(followUpPlanWorkflow.implementation, followUpPlanDocument);
