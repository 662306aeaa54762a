/** Every workflow the product runs, for descriptions and diagrams (no database needed). */
import { systemClock } from './platform/clock.js';
import { describeWorkflow, type WorkflowDescription } from './workflow/describe.js';
import { applicationWorkflow } from './applications/application.workflow.js';
import { contractWorkflow } from './contracts/contract.workflow.js';
import { customerWorkflow } from './customers/customer.workflow.js';
import { DEFAULT_POLICY } from './workflow/policy/policy.js';

export const WORKFLOW_NAMES = ['customer', 'application', 'contract'] as const;

export function allWorkflowDescriptions(): WorkflowDescription[] {
  return [
    describeWorkflow(customerWorkflow(systemClock, () => DEFAULT_POLICY)),
    describeWorkflow(applicationWorkflow()),
    describeWorkflow(contractWorkflow((row) => row)),
  ];
}
