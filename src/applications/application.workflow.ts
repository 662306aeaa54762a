/** The application machine bound to its table and rules. */
import { applications, type ApplicationRow } from '../platform/db/schema.js';
import { buildMachine } from '../workflow/document.js';
import { defineWorkflow } from '../workflow/workflow.js';
import { applicationDocument, type ApplicationContext, type ApplicationFacts, type ApplicationInput } from './application.machine.js';
import { applicationRules } from './rules/index.js';

export const applicationWorkflow = defineWorkflow<ApplicationRow, ApplicationContext, ApplicationInput, ApplicationFacts>({
  name: 'application',
  entityType: 'application',
  table: applications,
  document: applicationDocument,
  rules: applicationRules,
  context: (input) => ({ applicantId: input.applicantId, steps: input.steps, step: 0, approvals: [], deciders: [] }),
  invariants: {
    requiredStates: ['pending', 'approved', 'rejected', 'withdrawn', 'lapsed'],
    initialState: 'pending',
    requiredEvents: { APPROVE: ['pending'], REJECT: ['pending'], WITHDRAW: ['pending'], LAPSE: ['pending'] },
    unreachable: [],
  },
  dedicated: { APPROVE: 'approveApplication', REJECT: 'rejectApplication', WITHDRAW: 'withdrawApplication' },
  derive: () => ({}),
});

/** Version 1 of the machine, built from the repository document (tests and diagrams). */
export const applicationMachine = buildMachine(applicationWorkflow.implementation, applicationDocument);
/** Labels and inputs of each event of version 1. */
export const applicationEvents = applicationDocument.events;
/** Why each guard refuses (tests and designers). */
export const applicationGuardRules = applicationWorkflow.guardRules;
