/** The contract machine bound to its table and rules. */
import { contracts, type ContractRow, type CustomerRow } from '../platform/db/schema.js';
import { buildMachine } from '../workflow/document.js';
import { defineWorkflow, type WorkflowDefinition } from '../workflow/workflow.js';
import { contractDocument, type ContractContext, type ContractFacts, type ContractInput } from './contract.machine.js';
import { contractRules } from './rules/index.js';

/** The contract workflow; `customerNow` is the customers feature's view of a customer now (C1). */
export function contractWorkflow(customerNow: (row: CustomerRow) => CustomerRow): WorkflowDefinition<ContractRow, ContractFacts> {
  return defineWorkflow<ContractRow, ContractContext, ContractInput, ContractFacts>({
    name: 'contract',
    entityType: 'contract',
    table: contracts,
    document: contractDocument,
    rules: contractRules(customerNow),
    context: (input) => ({ customerId: input.customerId }),
    invariants: {
      requiredStates: ['reserved', 'draft', 'creditReview', 'confirmed', 'settled', 'voided', 'terminated'],
      initialState: 'reserved',
      requiredEvents: {
        UPDATE: ['reserved', 'draft'],
        CONFIRM: ['draft'],
        VOID: [],
        TERMINATE: [],
        PAYMENT: ['confirmed'],
        // V5: a CREDIT application's decision (application-decision.service.ts) sends these.
        CREDIT_APPROVED: ['creditReview'],
        CREDIT_REJECTED: ['creditReview'],
      },
      unreachable: [
        { from: 'confirmed', to: 'draft', rule: 'C2' },
        { from: 'confirmed', to: 'voided', rule: 'C4' },
      ],
    },
    dedicated: { UPDATE: 'updateContract', CONFIRM: 'confirmContract', VOID: 'voidContract', TERMINATE: 'terminateContract', PAYMENT: 'recordPayment' },
    derive: () => ({}),
  });
}

/** Version 1 of the machine, built from the repository document (tests and diagrams). */
export const contractMachine = buildMachine(contractWorkflow((row) => row).implementation, contractDocument);
/** Why each guard refuses (tests and designers). */
export const contractGuardRules = contractWorkflow((row) => row).guardRules;
