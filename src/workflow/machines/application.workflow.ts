/** The application machine bound to its table and facts. */
import { and, count, eq, ne, notInArray, sql } from 'drizzle-orm';
import { applications, users, type ApplicationRow } from '../../db/schema.js';
import type { WorkflowDefinition } from '../engine.js';
import { applicationEvents, applicationGuardRules, applicationMachine, NO_APPLICATION_FACTS, type ApplicationContext, type ApplicationFacts } from './application.machine.js';

export const APPLICATION_MACHINE_VERSION = 1;

export function applicationWorkflow(): WorkflowDefinition<ApplicationRow, ApplicationFacts> {
  return {
    name: 'application',
    entityType: 'application',
    version: APPLICATION_MACHINE_VERSION,
    machine: applicationMachine,
    table: applications,
    events: applicationEvents,
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
  };
}
