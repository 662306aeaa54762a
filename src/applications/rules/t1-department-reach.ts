/**
 * T1: a manager whose scope is DEPARTMENT decides only the applications of the users in their
 * department's subtree (an applicant outside it is another department's to decide). Everyone
 * else is not limited by it (A2 says who decides a step). Read in the statement that reads the
 * application, so a list's availableActions and a sent decision agree; A2 counts only the
 * holders who reach the applicant for a step that needs all of them.
 */
import { sql } from 'drizzle-orm';
import { applications } from '../../platform/db/schema.js';
import { reachesUser } from '../../users/department.service.js';
import type { ApplicationRule } from '../application.machine.js';

/** The applicant of the application read (by its id, in the statement that reads it). */
const applicantOf = (id: unknown) => sql`(select reach_application.applicant_id from ${applications} as reach_application where reach_application.id = ${id})`;

export const t1DepartmentReach: ApplicationRule = {
  code: 'T1',
  title: 'A department manager decides the applications of their department’s users only',
  guards: {
    actorReaches: {
      check: ({ event }) => event.facts.actorReaches,
      refusal: { code: 'FORBIDDEN', message: 'This application comes from someone outside your department' },
    },
  },
  facts: {
    defaults: { actorReaches: true },
    events: ['APPROVE', 'REJECT'],
    select: ({ id, actorId }) => sql`jsonb_build_object('actorReaches', ${reachesUser(actorId, applicantOf(id))})`,
  },
};
