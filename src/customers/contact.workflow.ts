/** The contact machine (F1, F5) bound to its table and rules: what the engine runs. */
import { contacts, type ContactRow, type CustomerRow } from '../platform/db/schema.js';
import { buildMachine } from '../workflow/document.js';
import { defineWorkflow, type WorkflowDefinition } from '../workflow/workflow.js';
import { contactDocument, type ContactContext, type ContactFacts, type ContactInput } from './contact.machine.js';
import { contactRules } from './rules/index.js';

/** The contact workflow; `customerNow` is the customers feature's view of a customer now (F1). */
export function contactWorkflow(customerNow: (row: CustomerRow) => CustomerRow): WorkflowDefinition<ContactRow, ContactFacts> {
  return defineWorkflow<ContactRow, ContactContext, ContactInput, ContactFacts>({
    name: 'contact',
    entityType: 'contact',
    table: contacts,
    document: contactDocument,
    rules: contactRules(customerNow),
    context: () => ({ leftOn: null, leftNote: null }),
    invariants: {
      requiredStates: ['active', 'left'],
      initialState: 'active',
      // F5: edits are recorded in either state; leaving from active, rejoining from left.
      requiredEvents: { UPDATE: ['active', 'left'], LEAVE: ['active'], REJOIN: ['left'] },
      unreachable: [],
    },
    dedicated: { UPDATE: 'updateContact' },
    derive: (context) => ({ leftOn: context.leftOn ?? null, leftNote: context.leftNote ?? null }),
  });
}

/** Version 1 of the machine, built from the repository document (tests and diagrams). */
export const contactMachine = buildMachine(contactWorkflow((row) => row).implementation, contactDocument);
