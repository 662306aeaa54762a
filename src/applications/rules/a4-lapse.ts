/**
 * A4: a decision's effect on the customer happens in the decision's transaction; when the
 * customer has left the state the application was made for, the system closes it as lapsed.
 */
import type { ApplicationRule } from '../application.machine.js';

export const a4Lapse: ApplicationRule = {
  code: 'A4',
  title: 'A decision moves the customer in the same transaction; an application the customer outgrew lapses',
  guards: {
    isSystem: {
      check: ({ event }) => event.actor.kind === 'system',
      refusal: { code: 'FORBIDDEN', message: 'Only the system closes an application as lapsed', who: ['system'] },
    },
  },
};
