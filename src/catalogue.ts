/** Every workflow the product runs, for descriptions, diagrams and the rule table (no database needed). */
import { applicationWorkflow } from './applications/application.workflow.js';
import { contractWorkflow } from './contracts/contract.workflow.js';
import { customerWorkflow } from './customers/customer.workflow.js';
import { describeWorkflow, type WorkflowDescription } from './workflow/describe.js';
import { MachineRegistry } from './workflow/registry.js';

export const WORKFLOW_NAMES = ['customer', 'application', 'contract'] as const;

/** The repository's definitions (version 1 of each machine); C1's view of a customer is the row as stored. */
export function repositoryWorkflows() {
  return [customerWorkflow, applicationWorkflow, contractWorkflow((row) => row)] as const;
}

export function allWorkflowDescriptions(): WorkflowDescription[] {
  const defs = repositoryWorkflows();
  const registry = new MachineRegistry(defs, null);
  return defs.map((def) => describeWorkflow(def, registry.current(def)));
}
