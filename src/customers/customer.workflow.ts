/** The customer machine bound to its table and rules: what the engine runs. */
import { customers, type CustomerRow } from '../platform/db/schema.js';
import { buildMachine } from '../workflow/document.js';
import { defineWorkflow } from '../workflow/workflow.js';
import { customerDocument, stageOf, type CustomerContext, type CustomerFacts, type CustomerInput } from './customer.machine.js';
import { customerRules } from './rules/index.js';

export const customerWorkflow = defineWorkflow<CustomerRow, CustomerContext, CustomerInput, CustomerFacts>({
  name: 'customer',
  entityType: 'customer',
  table: customers,
  document: customerDocument,
  rules: customerRules,
  context: (input) => ({ custodianId: input.custodianId, ...(input.heldBy && { heldBy: input.heldBy }) }),
  invariants: {
    requiredStates: ['pool', 'prospect.pendingAudit', 'prospect.rejected', 'prospect.protected', 'intent', 'formal'],
    initialState: 'prospect.pendingAudit',
    requiredEvents: {
      CLAIM: ['pool'],
      ABANDON: [],
      TRANSFER: [],
      RESUBMIT: ['prospect.rejected'],
      PROTECTION_APPROVED: ['prospect.pendingAudit'],
      PROTECTION_REJECTED: ['prospect.pendingAudit'],
      INTENT_APPROVED: ['prospect.protected'],
      EXTENSION_APPROVED: ['prospect.protected', 'intent'],
      // P2: every state an application can be pending in holds the term while it waits.
      APPLICATION_OPENED: ['prospect.pendingAudit', 'prospect.protected', 'intent'],
      APPLICATION_CLOSED: ['prospect.protected', 'intent'],
      CONTRACT_SIGNED: ['intent', 'formal'],
      // T5: the team is managed in every custody state.
      ADD_COLLABORATOR: ['prospect.pendingAudit', 'prospect.rejected', 'prospect.protected', 'intent', 'formal'],
      REMOVE_COLLABORATOR: ['prospect.pendingAudit', 'prospect.rejected', 'prospect.protected', 'intent', 'formal'],
      // T4: lockCustomer / unlockCustomer send these.
      LOCK: ['prospect.protected', 'intent'],
      UNLOCK: ['prospect.protected', 'intent'],
      // T3: the sweeper arms and fires it (rules/t3-inactivity.ts).
      INACTIVITY_EXPIRED: ['prospect.protected', 'intent'],
    },
    unreachable: [{ from: 'formal', to: 'pool', rule: 'P6' }],
    // P2: a prospect or intent customer has a custodian, and its protection runs out; in audit it
    // waits for its PROTECTION application's decision (A1).
    custody: { rule: 'P2', holds: (state) => /^(prospect|intent)(\.|$)/.test(state), exempt: ['prospect.pendingAudit'] },
  },
  dedicated: {
    CLAIM: 'claimCustomer',
    ABANDON: 'abandonCustomer',
    TRANSFER: 'transferCustomer',
    ASSIGN: 'assignFromPool',
    RESUBMIT: 'resubmitProtection',
    ADD_COLLABORATOR: 'addCollaborator',
    REMOVE_COLLABORATOR: 'removeCollaborator',
    LOCK: 'lockCustomer',
    UNLOCK: 'unlockCustomer',
  },
  derive: (context, state) => ({ custodianId: context.custodianId, stage: stageOf(state) }),
});

/** Version 1 of the machine, built from the repository document (tests and diagrams). */
export const customerMachine = buildMachine(customerWorkflow.implementation, customerDocument);

/** The facts with nothing loaded, and why each guard refuses (tests and designers). */
export const NO_FACTS = customerWorkflow.noFacts;
export const customerGuardRules = customerWorkflow.guardRules;
