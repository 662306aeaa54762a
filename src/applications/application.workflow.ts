/** The application machine bound to its table and facts. */
import { and, count, eq, ne, notInArray, sql } from 'drizzle-orm';
import { applications, users, type ApplicationRow } from '../platform/db/schema.js';
import { versioned, type WorkflowDefinition } from '../workflow/engine.js';
import { applicationGuardRules, applicationDocument, applicationImplementation, NO_APPLICATION_FACTS, type ApplicationContext, type ApplicationFacts } from './application.machine.js';

export function applicationWorkflow(): WorkflowDefinition<ApplicationRow, ApplicationFacts> {
  return versioned({
    name: 'application',
    entityType: 'application',
    document: applicationDocument,
    implementation: applicationImplementation,
    invariants: {
      requiredStates: ['pending', 'approved', 'rejected', 'withdrawn', 'lapsed'],
      initialState: 'pending',
      requiredEvents: { APPROVE: ['pending'], REJECT: ['pending'], WITHDRAW: ['pending'], LAPSE: ['pending'] },
      unreachable: [],
    },
    dedicated: { APPROVE: 'approveApplication', REJECT: 'rejectApplication', WITHDRAW: 'withdrawApplication' },
    table: applications,
    guardRules: applicationGuardRules,
    noFacts: NO_APPLICATION_FACTS,
    derive: () => ({}),
    async facts(executor, row) {
      const context = (row.snapshot as { context?: ApplicationContext }).context;
      const step = context?.steps[context.step];
      if (!step) return NO_APPLICATION_FACTS;
      const [h] = await executor
        .select({ n: count() })
        .from(users)
        // Holders who already decided an earlier step cannot decide again (A2): not counted.
        .where(and(eq(users.active, true), ne(users.id, row.applicantId), sql`${step.role} = any(${users.roles})`, context.deciders.length ? notInArray(users.id, context.deciders) : undefined));
      return { holders: h?.n ?? 0 };
    },
  });
}
