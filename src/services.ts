/** The domain services of one app instance, wired once by createApp. */
import { randomUUID } from 'node:crypto';
import { unassignedFormalCustomers } from './customers/customer.unassigned.js';
import { CustomerLockService } from './customers/customer-lock.service.js';
import { armInactivity } from './customers/rules/t3-inactivity.js';
import type { PageArgs } from './platform/pagination.js';
import type { Logger } from 'pino';
import type { Database } from './platform/db/client.js';
import type { TokenService } from './platform/auth/tokens.js';
import { ApplicationOpeningService } from './applications/application-opening.service.js';
import { ContractLineService } from './contracts/contract-line.service.js';
import { PaymentService } from './contracts/payment.service.js';
import { ProductService } from './contracts/product.service.js';
import { ContactService } from './customers/contact.service.js';
import { CustomerKeyService } from './customers/customer-key.service.js';
import { CustomerService, type AfterEntry } from './customers/customer.service.js';
import { CustomerBatchService } from './customers/customer-batch.service.js';
import { FollowUpService } from './customers/follow-up.service.js';
import { PolicyService } from './designer/policy.service.js';
import { PoolService } from './customers/pool.service.js';
import { UserService } from './users/user.service.js';
import { DepartmentService } from './users/department.service.js';
import { HandOverService, type HandOverWorkflows } from './users/hand-over.service.js';
import { DEFAULT_LOGIN_THROTTLE, type LoginThrottlePolicy } from './platform/auth/throttle-policy.js';
import { WorkflowService } from './designer/workflow.service.js';
import type { Clock } from './platform/clock.js';
import { WorkflowEngine } from './workflow/engine.js';
import { customerWorkflow } from './customers/customer.workflow.js';
import { followUpPlanWorkflow as followUpPlan } from './customers/follow-up-plan.workflow.js';
import { FollowUpPlanService } from './customers/follow-up-plan.service.js';
import type { Policy } from './workflow/policy/policy.js';
import { Sweeper } from './workflow/sweeper.js';
import { NotificationService } from './notifications/notification.service.js';
import { WebhookService, type WebhookSettings } from './webhooks/webhook.service.js';
import { WebhookWorker } from './webhooks/webhook.worker.js';
import type { Announcements } from './platform/events/announcements.js';
import { durationToMs } from './workflow/policy/duration.js';
import { overdueMadeBefore } from './applications/rules/a5-audit-sla.js';
import { auditAndContractsOf, complaintsOf, insightsOf, workflowsOf } from './services.parts.js';
import { MachineRegistry } from './workflow/registry.js';
import type { CustomerRow } from './platform/db/schema.js';
import type { Viewer } from './platform/auth/viewer.js';
import type { CreateCustomerInput } from './customers/customer.validation.js';

export interface ServiceDeps {
  database: Database;
  tokens: TokenService;
  clock: Clock;
  logger: Logger;
  policy: Policy;
  /** Due deadlines the sweeper fires per statement (default 2,000). */
  sweepBatchSize?: number;
  /** VIEWER_CACHE_MS: how long a user's viewer is served without a lookup; 0 disables it (default 5 s). */
  viewerCacheMs?: number;
  /** Issue 15: sign-in throttling (LOGIN_MAX_FAILURES, LOGIN_ADDRESS_MAX_FAILURES, LOGIN_LOCKOUT). */
  loginThrottle?: Partial<LoginThrottlePolicy>;
  /** Issue 16 §5: how webhook deliveries are made (WEBHOOK_* variables). */
  webhooks?: Partial<WebhookSettings>;
}

/** Webhook deliveries by default: public addresses only, 8 attempts, retries from 10 s doubling up to an hour, 10 s per attempt. */
export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  allowPrivate: false,
  maxAttempts: 8,
  firstRetryMs: 10_000,
  maxRetryMs: 3_600_000,
  timeoutMs: 10_000,
};

/**
 * Issue 16: what tells people — notifications (N1) and webhooks — each written by transition
 * listeners in the transaction of its cause; the worker sends webhook deliveries after commit.
 */
function peopleAreTold(
  deps: ServiceDeps,
  engine: WorkflowEngine,
  workflows: Record<'customer' | 'application' | 'contract' | 'followUpPlan' | 'complaint', { name: string }>,
  policy: () => Policy,
) {
  const { database, clock, logger } = deps;
  const notifications = new NotificationService(database, clock, {
    warnBeforeMs: () => durationToMs(policy().customer.warnBefore),
    auditOverdueBefore: (now) => overdueMadeBefore(policy(), now),
    timeZone: () => policy().calendar.timeZone,
  });
  notifications.listenTo(engine, workflows);
  const webhookSettings = { ...DEFAULT_WEBHOOK_SETTINGS, ...deps.webhooks };
  const webhooks = new WebhookService(database, clock, webhookSettings);
  webhooks.listenTo(engine, { customer: workflows.customer, application: workflows.application, contract: workflows.contract });
  const webhookWorker = new WebhookWorker(database, clock, webhookSettings, logger);
  return {
    /** N1: the notifications inbox (written with their causes; see notifications/). */
    notifications,
    /** Issue 16 §5: webhooks (ADMIN) and the worker that sends their deliveries. */
    webhooks,
    webhookWorker,
    /** Live work: what the database announces after commit reaches the webhooks and their worker (see app.ts). */
    async listen(announcements: Announcements, webhookPollMs: number): Promise<void> {
      await webhooks.refresh();
      announcements.on('webhooks', () => void webhooks.refresh().catch((err: unknown) => logger.error({ err }, 'reloading webhooks failed')));
      announcements.on('webhook_deliveries', () => webhookWorker.kick());
      webhookWorker.start(webhookPollMs);
      webhookWorker.kick();
    },
  };
}

/**
 * F2–F6: follow-ups and the plans their next contact times open (planned → due → overdue →
 * escalated; done by the next follow-up); a custody change cancels or carries the plans in its
 * own transaction (policy followUp.onCustodyChange).
 */
function followUpsOf(
  database: Database,
  engine: WorkflowEngine,
  workflows: { customer: { name: string }; followUpPlan: typeof followUpPlan },
  customers: CustomerService,
  clock: Clock,
  policy: () => Policy,
) {
  const followUpPlans = new FollowUpPlanService(database, engine, workflows.followUpPlan, clock, policy).listenTo(workflows.customer);
  return { followUps: new FollowUpService(database, customers, clock, followUpPlans), followUpPlans };
}

/** T1, T2, T6, T7: departments, pools, batch work and hand-over on departure. */
function teamsOf(
  { database, clock }: ServiceDeps,
  engine: WorkflowEngine,
  workflows: HandOverWorkflows & { customer: typeof customerWorkflow },
  customers: CustomerService,
  users: UserService,
  policy: () => Policy,
) {
  const { customer } = workflows;
  return {
    /** T1: the department tree (ADMIN); a move makes the viewer cache forget managers' reach. */
    departments: new DepartmentService(database, clock, () => users.forgetViewers()),
    /** T2: several pools, their members, admins and policy overrides. */
    pools: new PoolService(database, engine, customer, clock, policy, customers, () => users.forgetViewers()),
    /** T6: claims, assignments and transfers in batches, each item all or nothing. */
    customerBatches: new CustomerBatchService(customers),
    /** T7: deactivating a user hands over their customers, pending applications and unconfirmed contracts in one step. */
    handOvers: new HandOverService(database, engine, workflows, customers, users, clock),
  };
}

/** P1/A1 and T8: entering customers, each with its PROTECTION application in the same transaction. */
function entryOf(database: Database, customers: CustomerService, applicationOpenings: ApplicationOpeningService) {
  return {
    /** P1/A1: entering a customer opens its PROTECTION application in the same transaction. */
    enterCustomer: (viewer: Viewer, input: CreateCustomerInput) => {
      // P2: it enters audit held by this application (its term counts, but cannot run out, while it waits).
      const applicationId = randomUUID();
      const open: AfterEntry = (tx, row) => applicationOpenings.openIn(tx, 'PROTECTION', row, viewer, input.introduction.trim(), null, applicationId);
      return customers.create(viewer, input, open, [applicationId]);
    },
    /**
     * T8: many customers entered as enterCustomer enters one, in one transaction (all or none);
     * null for a customer whose key is taken, to be entered alone (E4 refuses it with its matches).
     */
    enterCustomers: (viewer: Viewer, inputs: readonly CreateCustomerInput[]) =>
      database.db.transaction(async (tx) => {
        const entries = inputs.map((input) => ({ input, heldBy: [randomUUID()] }));
        const rows = await customers.createManyIn(tx, viewer, entries);
        const opened = rows.flatMap((row, i) => {
          const entry = entries[i];
          return row && entry ? [{ customer: row, reason: entry.input.introduction.trim(), heldAs: entry.heldBy[0] ?? '' }] : [];
        });
        await applicationOpenings.openManyIn(tx, 'PROTECTION', viewer, opened);
        return rows;
      }),
  };
}

/** The deadline sweeper: notifications after each sweep; T3's inactivity deadlines armed before it fires. */
function sweeperOf(
  deps: ServiceDeps,
  engine: WorkflowEngine,
  definitions: ConstructorParameters<typeof Sweeper>[3],
  notify: () => Promise<number>,
  policy: () => Policy,
) {
  const { database, clock, logger } = deps;
  const arm = () => armInactivity(database.db, clock(), policy());
  return new Sweeper(
    database,
    engine,
    clock,
    definitions,
    logger,
    deps.sweepBatchSize,
    [{ name: 'notifications', run: notify }],
    [{ name: 'inactivity', run: arm }],
  );
}

export function createServices(deps: ServiceDeps) {
  const { database, clock } = deps;
  let policy = deps.policy;
  const currentPolicy = () => policy;
  // C1 and F1 decide on the customer as it is now; `customers` exists by the time a contract or contact event runs.
  const customerNow = (row: CustomerRow): CustomerRow => customers.project(row);
  const { workflows, definitions } = workflowsOf(customerNow);
  const versions = new MachineRegistry(definitions, database);
  const engine = new WorkflowEngine(database, clock, currentPolicy, versions);
  const contacts: ContactService = new ContactService(database, engine, workflows.contact, () => customers, clock);
  const customers = new CustomerService(database, engine, workflows.customer, clock, currentPolicy, contacts);
  const customerKeys = new CustomerKeyService(database, customers);
  const audit = auditAndContractsOf({ database, clock, engine, workflows, customers, contacts, customerKeys, currentPolicy });
  const { applications, applicationOpenings, applicationChecklist, applicationDecisions, contracts } = audit;
  const products = new ProductService(database, clock);
  const users = new UserService(database, deps.tokens, clock, deps.viewerCacheMs, { ...DEFAULT_LOGIN_THROTTLE, ...deps.loginThrottle });
  const told = peopleAreTold(deps, engine, workflows, currentPolicy);
  // Who may address an instance through the generic sendWorkflowEvent (the guards decide the rest).
  const { complaints, complaintReports } = complaintsOf(database, clock, engine, workflows, customers, currentPolicy);
  const designs = new WorkflowService(database, engine, clock, definitions, {
    application: async (viewer, id) => applications.requireSee(viewer, await applications.get(id)),
    contract: async (viewer, id) => void (await contracts.get(viewer, id)),
    contact: (viewer, id) => contacts.requireSee(viewer, id),
    complaint: async (viewer, id) => void (await complaints.get(viewer, id)),
  });
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
    workflows,
    /** Machine versions: validate, publish, migrate, and events designers added (issue 7). */
    designs,
    sweeper: sweeperOf(deps, engine, definitions, () => told.notifications.sweep(), currentPolicy),
    ...told,
    users,
    /** V4: complaints and their report. */
    complaints,
    complaintReports,
    /** Issue 18: the manager's reports (§7) and customer value (V1–V3). */
    ...insightsOf(database, clock, currentPolicy, users, customers),
    ...teamsOf(deps, engine, workflows, customers, users, currentPolicy),
    /** P6: formal customers nobody looks after (MANAGER). */
    unassignedFormalCustomers: (viewer: Viewer, args: PageArgs) => unassignedFormalCustomers(database, viewer, args),
    customers,
    /** T4: locks against timed return. */
    customerLocks: new CustomerLockService(engine, workflows.customer, customers),
    ...entryOf(database, customers, applicationOpenings),
    /** A3/A5 reads: one application, the audit queue, steps and due times. */
    applications,
    /** A1/P3/P4: opening and applying; P1 resubmission. */
    applicationOpenings,
    /** A2–A4: approve, reject, withdraw. */
    applicationDecisions,
    /** P1: the audit checklist of a protection application (with E4's SIMILAR_NAME), frozen at its decision (P8). */
    applicationChecklist,
    /** E4: similar keys (warnings, the SIMILAR_NAME audit item) and keys shared since a re-derivation. */
    customerKeys,
    contracts,
    /** Lines and totals of contracts being filled in (C2). */
    contractLines: new ContractLineService(database, engine, workflows.contract, products, clock),
    /** Payments and delivery of confirmed contracts (C3). */
    payments: new PaymentService(database, engine, workflows.contract, customers, clock),
    /** The product catalogue that contract lines refer to. */
    products,
    contacts,
    ...followUpsOf(database, engine, workflows, customers, clock, currentPolicy),
  };
}

export type Services = ReturnType<typeof createServices>;
