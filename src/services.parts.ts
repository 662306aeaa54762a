/**
 * Parts of the composition root (services.ts): applications and contracts wired both ways, and
 * the read-only insights (reports, customer value, credit). Only services.ts imports this file.
 */
import type { Database } from './platform/db/client.js';
import type { Clock } from './platform/clock.js';
import type { Policy } from './workflow/policy/policy.js';
import type { WorkflowEngine } from './workflow/engine.js';
import type { CustomerService } from './customers/customer.service.js';
import type { ContactService } from './customers/contact.service.js';
import type { CustomerKeyService } from './customers/customer-key.service.js';
import type { UserService } from './users/user.service.js';
import { ApplicationService } from './applications/application.service.js';
import { ApplicationOpeningService } from './applications/application-opening.service.js';
import { ApplicationChecklistService } from './applications/application-checklist.service.js';
import { ApplicationDecisionService, type CreditClosed } from './applications/application-decision.service.js';
import { ContractService } from './contracts/contract.service.js';
import { CreditService } from './contracts/credit.service.js';
import { ReportService } from './reports/report.service.js';
import { ValueService } from './value/value.service.js';
import { overdueMadeBefore } from './applications/rules/a5-audit-sla.js';
import type { CustomerRow } from './platform/db/schema.js';
import { customerWorkflow } from './customers/customer.workflow.js';
import { applicationWorkflow } from './applications/application.workflow.js';
import { contractWorkflow } from './contracts/contract.workflow.js';
import { contactWorkflow } from './customers/contact.workflow.js';
import { followUpPlanWorkflow as followUpPlan } from './customers/follow-up-plan.workflow.js';
import { complaintWorkflow } from './complaints/complaint.workflow.js';
import { ComplaintService } from './complaints/complaint.service.js';
import { ComplaintReportService } from './complaints/complaint-report.js';

/** The manager's reports (MANAGER, ADMIN; a department manager's reach, T1) and customer value (V1–V3), read-only over the records. */
export function insightsOf(database: Database, clock: Clock, currentPolicy: () => Policy, users: UserService, customers: CustomerService) {
  return {
    /** V5: credit limits and overdue receivables. */
    credit: new CreditService(database, customers, clock, currentPolicy),
    reports: new ReportService(
      database,
      clock,
      currentPolicy,
      (now) => overdueMadeBefore(currentPolicy(), now),
      (ids) => users.byIds(ids),
    ),
    value: new ValueService(database, clock, currentPolicy),
  };
}

/**
 * Applications (A1–A5) and contracts (C1–C4), wired both ways: a customer's move lapses the
 * applications it no longer applies to (A4, P2), and a contract over its customer's credit limit
 * opens a CREDIT application whose decision moves the contract (V5).
 */
export function auditAndContractsOf(parts: {
  database: Database;
  clock: Clock;
  engine: WorkflowEngine;
  workflows: ReturnType<typeof workflowsOf>['workflows'];
  customers: CustomerService;
  contacts: ContactService;
  customerKeys: CustomerKeyService;
  currentPolicy: () => Policy;
}) {
  const { database, clock, engine, workflows, customers, contacts, customerKeys, currentPolicy } = parts;
  const applications = new ApplicationService(database, clock, currentPolicy);
  const applicationOpenings = new ApplicationOpeningService(database, engine, workflows.application, customers, clock, currentPolicy);
  const applicationChecklist = new ApplicationChecklistService(customers, contacts, customerKeys, currentPolicy);
  // V5: a CREDIT application's decision moves its contract (contracts are made below; called only later).
  const creditClosed: CreditClosed = (tx, contractId, approved, reason, actor) => contracts.creditDecidedIn(tx, contractId, approved, reason, actor);
  const applicationDecisions = new ApplicationDecisionService(
    database,
    engine,
    workflows.application,
    applications,
    customers,
    clock,
    applicationChecklist,
    creditClosed,
  );
  // A4, P2: a customer's move lapses the applications it no longer applies to, in the same transaction.
  engine.onRelease(workflows.customer, (tx, release) => applicationDecisions.lapseReleased(tx, release));
  const contracts = new ContractService(database, engine, workflows.contract, customers, clock, currentPolicy, async (tx, contract, applicant, reason) => {
    await applicationOpenings.openCreditIn(tx, contract, applicant, reason);
  });
  return { applications, applicationOpenings, applicationChecklist, applicationDecisions, contracts };
}

/** The workflows (C1 and F1 read a customer as it is now through `customerNow`) and all their definitions. */
export function workflowsOf(customerNow: (row: CustomerRow) => CustomerRow) {
  const workflows = {
    customer: customerWorkflow,
    application: applicationWorkflow,
    contract: contractWorkflow(customerNow),
    contact: contactWorkflow(customerNow),
    followUpPlan,
    complaint: complaintWorkflow,
  };
  return {
    workflows,
    definitions: [workflows.customer, workflows.application, workflows.contract, workflows.followUpPlan, workflows.contact, workflows.complaint],
  };
}

/** V4: complaints on their machine, and their report. */
export function complaintsOf(
  database: Database,
  clock: Clock,
  engine: WorkflowEngine,
  workflows: ReturnType<typeof workflowsOf>['workflows'],
  customers: CustomerService,
  currentPolicy: () => Policy,
) {
  return {
    complaints: new ComplaintService(database, engine, workflows.complaint, customers, clock, currentPolicy),
    complaintReports: new ComplaintReportService(database, clock, currentPolicy),
  };
}
