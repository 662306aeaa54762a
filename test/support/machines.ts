/**
 * The one place tests import the machine modules (`src/<feature>/<name>.machine.ts`,
 * `*.workflow.ts`, `src/workflow/engine.ts`) from. Those modules are being restructured: when
 * their paths change, only these lines change; suites and the model harness import from here.
 */
export {
  customerDocument,
  customerGuardRules,
  customerMachine,
  NO_FACTS,
  type CustomerContext,
  type CustomerEvent,
  type CustomerFacts,
} from '../../src/customers/customer.machine.js';
export {
  applicationDocument,
  applicationEvents,
  applicationGuardRules,
  applicationMachine,
  type ApplicationContext,
  type ApplicationEvent,
  type ApplicationFacts,
  type ApprovalStepSpec,
} from '../../src/applications/application.machine.js';
export { contractDocument, contractGuardRules, contractMachine, type ContractEvent, type ContractFacts } from '../../src/contracts/contract.machine.js';
export { isLegal, statePath } from '../../src/workflow/engine.js';
export type { GuardDoc, StateDoc, TransitionDoc, WorkflowDocument } from '../../src/workflow/document.js';
export type { GuardRule } from '../../src/workflow/definition.js';
