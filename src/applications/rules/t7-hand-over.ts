/**
 * T7: a departing user's pending applications are handed over with their customers: the
 * successor becomes the applicant (sees it, may withdraw it, follows it up). HAND_OVER is
 * internal (sent by users/hand-over.service.ts for an ADMIN, never through sendWorkflowEvent);
 * a self-transition, so the change is a recorded transition with its reason.
 */
import { eq } from 'drizzle-orm';
import { applications } from '../../platform/db/schema.js';
import { actorHasRole } from '../../workflow/actor.js';
import type { ApplicationRule } from '../application.machine.js';

const successorOf = (event: Record<string, unknown>) => (typeof event.toUserId === 'string' ? event.toUserId : null);

export const t7HandOver: ApplicationRule = {
  code: 'T7',
  title: 'A departing user’s pending applications pass to their successor (the new applicant), each with a history row',
  guards: {
    handsOver: {
      check: ({ event }) => event.actor.kind === 'system' || actorHasRole(event.actor, 'ADMIN'),
      refusal: { code: 'FORBIDDEN', message: 'Only an admin hands over a departing user’s applications', who: ['ADMIN', 'system'] },
    },
  },
  actions: {
    becomeApplicant: ({ context, event }) => ({ applicantId: successorOf(event) ?? context.applicantId }),
  },
  effects: {
    // The applicant is also a column (lists, "my applications"): it follows the context.
    async storeApplicant({ tx, row, event }) {
      const to = successorOf(event);
      if (to) await tx.update(applications).set({ applicantId: to }).where(eq(applications.id, row.id));
    },
  },
};
