/** The complaint machine (V4) bound to its table and rules: what the engine runs. */
import { complaints, type ComplaintRow } from '../platform/db/schema.js';
import { buildMachine } from '../workflow/document.js';
import { defineWorkflow } from '../workflow/workflow.js';
import { complaintDocument, type ComplaintContext, type ComplaintFacts, type ComplaintInput } from './complaint.machine.js';
import { v4Complaints } from './rules/v4-complaints.js';

export const complaintWorkflow = defineWorkflow<ComplaintRow, ComplaintContext, ComplaintInput, ComplaintFacts>({
  name: 'complaint',
  entityType: 'complaint',
  table: complaints,
  document: complaintDocument,
  rules: [v4Complaints],
  context: (input) => ({ customerId: input.customerId }),
  invariants: {
    requiredStates: ['open', 'inProgress', 'resolved', 'closed'],
    initialState: 'open',
    requiredEvents: { START: ['open'], RESOLVE: ['inProgress'], CLOSE: ['resolved'], REOPEN: ['resolved'], REASSIGN: ['open', 'inProgress'] },
    unreachable: [],
  },
  dedicated: { START: 'startComplaint', RESOLVE: 'resolveComplaint', CLOSE: 'closeComplaint', REOPEN: 'reopenComplaint', REASSIGN: 'reassignComplaint' },
  derive: () => ({}),
});

/** Version 1 of the machine, built from the repository document (tests and diagrams). */
export const complaintMachine = buildMachine(complaintWorkflow.implementation, complaintDocument);
