/** Every workflow the product runs, for descriptions and diagrams (no database needed). */
import { systemClock } from '../shared/clock.js';
import { describeWorkflow, type WorkflowDescription } from './describe.js';
import { applicationWorkflow } from './machines/application.workflow.js';
import { contractWorkflow } from './machines/contract.workflow.js';
import { customerWorkflow } from './machines/customer.workflow.js';
import { DEFAULT_POLICY } from './policy/policy.js';

export const WORKFLOW_NAMES = ['customer', 'application', 'contract'] as const;

export function allWorkflowDescriptions(): WorkflowDescription[] {
  return [
    describeWorkflow(customerWorkflow(systemClock, () => DEFAULT_POLICY)),
    describeWorkflow(applicationWorkflow()),
    describeWorkflow(contractWorkflow((row) => row)),
  ];
}
