/** A3: a rejection needs a reason, shown to the applicant (“客服人员会在备注里注明未审核通过的原因”). */
import { hasReason } from '../../workflow/reason.js';
import type { ApplicationRule } from '../application.machine.js';

export const a3RejectionReason: ApplicationRule = {
  code: 'A3',
  title: 'A rejection needs a reason the applicant can act on',
  guards: {
    hasReason: {
      check: ({ event }) => hasReason(event),
      refusal: { code: 'BAD_USER_INPUT', message: 'A rejection needs a reason the applicant can act on', field: 'reason' },
    },
  },
};
