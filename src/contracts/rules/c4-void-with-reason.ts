/**
 * C4: a reserved or draft contract may be voided with a reason (its number is never reused);
 * a confirmed one is only terminated, by a manager, with a reason.
 */
import { actorHasRole } from '../../workflow/actor.js';
import { hasReason } from '../../workflow/reason.js';
import type { ContractRule } from '../contract.machine.js';

export const c4VoidWithReason: ContractRule = {
  code: 'C4',
  title: 'A reserved or draft contract is voided with a reason; a confirmed one only terminated by a manager',
  guards: {
    hasReason: {
      check: ({ event }) => hasReason(event),
      refusal: { code: 'BAD_USER_INPUT', message: 'A reason is required', field: 'reason' },
    },
    isManager: {
      check: ({ event }) => actorHasRole(event.actor, 'MANAGER'),
      refusal: { code: 'FORBIDDEN', message: 'Only a manager terminates a confirmed contract', who: ['MANAGER'] },
    },
  },
};
