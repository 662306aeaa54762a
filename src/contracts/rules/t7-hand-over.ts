/**
 * T7: a departing user's unconfirmed contracts (reserved, or being filled in) pass to their
 * successor, who becomes the contract's owner (`created_by_id`). HAND_OVER is internal (sent by
 * users/hand-over.service.ts for an ADMIN, never through sendWorkflowEvent); a self-transition,
 * so the change is a recorded transition with its reason.
 */
import { eq } from 'drizzle-orm';
import { contracts } from '../../platform/db/schema.js';
import { actorHasRole } from '../../workflow/actor.js';
import type { ContractRule } from '../contract.machine.js';

export const t7HandOver: ContractRule = {
  code: 'T7',
  title: 'A departing user’s unconfirmed contracts pass to their successor, each with a history row',
  guards: {
    handsOver: {
      check: ({ event }) => event.actor.kind === 'system' || actorHasRole(event.actor, 'ADMIN'),
      refusal: { code: 'FORBIDDEN', message: 'Only an admin hands over a departing user’s contracts', who: ['ADMIN', 'system'] },
    },
  },
  effects: {
    async changeOwner({ tx, row, event }) {
      if (typeof event.toUserId === 'string') await tx.update(contracts).set({ createdById: event.toUserId }).where(eq(contracts.id, row.id));
    },
  },
};
