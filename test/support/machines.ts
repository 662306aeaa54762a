/**
 * The one place tests import the machine modules (`src/<feature>/<name>.machine.ts`,
 * `*.workflow.ts`, `src/workflow/machine-paths.ts`) from: suites and the model harness import
 * from here.
 */
export { customerDocument, type CustomerContext, type CustomerEvent, type CustomerFacts } from '../../src/customers/customer.machine.js';
export { customerGuardRules, customerMachine, NO_FACTS } from '../../src/customers/customer.workflow.js';
export {
  applicationDocument,
  type ApplicationContext,
  type ApplicationEvent,
  type ApplicationFacts,
  type ApprovalStepSpec,
} from '../../src/applications/application.machine.js';
export { applicationEvents, applicationGuardRules, applicationMachine } from '../../src/applications/application.workflow.js';
export { contractDocument, type ContractEvent, type ContractFacts } from '../../src/contracts/contract.machine.js';
export { contractGuardRules, contractMachine } from '../../src/contracts/contract.workflow.js';
export { isLegal, statePath } from '../../src/workflow/machine-paths.js';
export type { GuardDoc, StateDoc, TransitionDoc, WorkflowDocument } from '../../src/workflow/document.js';
export type { GuardRule } from '../../src/workflow/definition.js';
export { customerWorkflow } from '../../src/customers/customer.workflow.js';
export { buildMachine } from '../../src/workflow/document.js';
export { planDue } from '../../src/workflow/due.js';
export { defineWorkflow } from '../../src/workflow/workflow.js';
export type { WorkflowRow } from '../../src/workflow/table.js';
