/** The domain services of one app instance, wired once by createApp. */
import type { Logger } from 'pino';
import type { Database } from './platform/db/client.js';
import type { TokenService } from './platform/auth/tokens.js';
import { ApplicationService } from './applications/application.service.js';
import { ContractService } from './contracts/contract.service.js';
import { ContactService } from './customers/contact.service.js';
import { CustomerService } from './customers/customer.service.js';
import { FollowUpService } from './customers/follow-up.service.js';
import { PolicyService } from './designer/policy.service.js';
import { UserService } from './users/user.service.js';
import { WorkflowService } from './designer/workflow.service.js';
import type { Clock } from './platform/clock.js';
import { WorkflowEngine, type WorkflowDefinition, type WorkflowRow } from './workflow/engine.js';
import { applicationWorkflow } from './applications/application.workflow.js';
import { contractWorkflow } from './contracts/contract.workflow.js';
import { customerWorkflow } from './customers/customer.workflow.js';
import type { Policy } from './workflow/policy/policy.js';
import { Sweeper } from './workflow/sweeper.js';
import { hasTimedStates } from './workflow/document.js';

export interface ServiceDeps {
  database: Database;
  tokens: TokenService;
  clock: Clock;
  logger: Logger;
  policy: Policy;
}

export function createServices(deps: ServiceDeps) {
  const { database, clock, logger } = deps;
  let policy = deps.policy;
  const currentPolicy = () => policy;
  const engine = new WorkflowEngine(database, clock, currentPolicy);
  const workflows = { customer: customerWorkflow(clock, currentPolicy), application: applicationWorkflow() };
  const customers = new CustomerService(database, engine, workflows.customer, clock, currentPolicy);
  const contractDef = contractWorkflow((row) => customers.project(row));
  const contracts = new ContractService(database, engine, contractDef, workflows.customer, customers, clock, currentPolicy);
  const applications = new ApplicationService(database, engine, workflows.application, workflows.customer, customers, clock, currentPolicy);
  // P1/A1: every new customer goes to audit with a PROTECTION application, in the same transaction.
  customers.afterCreate = async (tx, row, viewer, input) => {
    await applications.openIn(tx, 'PROTECTION', row, viewer, input.introduction.trim());
  };
  const all = { ...workflows, contract: contractDef } as unknown as Record<string, WorkflowDefinition<WorkflowRow, unknown>>;
  // Who may address an instance through the generic sendWorkflowEvent (the guards decide the rest).
  const designs = new WorkflowService(database, engine, clock, all, {
    application: (viewer, row) => applications.requireSee(viewer, row as never),
    contract: async (viewer, row) => void (await contracts.get(viewer, row.id)),
  });
  engine.loadVersions = () => designs.refresh();
  return {
    policy: currentPolicy,
    /** Replaces the policy in force (new deadlines use it; running ones keep theirs). */
    setPolicy(next: Policy) {
      policy = next;
    },
    policies: new PolicyService(database, clock, currentPolicy, (next) => {
      policy = next;
    }),
    engine,
    workflows: { ...workflows, contract: contractDef },
    /** Machine versions: validate, publish, migrate, and events designers added (issue 7). */
    designs,
    // Only machines with timed states (in any loaded version) need sweeping.
    sweeper: new Sweeper(database, engine, () => designs.all().filter(hasTimedStates), logger),
    users: new UserService(database, deps.tokens, clock),
    customers,
    applications,
    contracts,
    contacts: new ContactService(database, customers, clock),
    followUps: new FollowUpService(database, customers, clock, currentPolicy),
  };
}

export type Services = ReturnType<typeof createServices>;
