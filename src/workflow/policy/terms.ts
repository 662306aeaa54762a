/** Resolves a state's declared term (P11) against the policy in force when the state is entered. */
import type { TermName } from '../definition.js';
import { addWorkingDays } from './calendar.js';
import { addDuration } from './duration.js';
import type { Policy } from './policy.js';

export function deadlineFor(term: TermName, start: Date, policy: Policy): Date {
  switch (term) {
    case 'prospectTerm':
      return addDuration(start, policy.customer.prospectTerm); // P2
    case 'intentTerm':
      return addDuration(start, policy.customer.intentTerm); // P4
    case 'rejectionRelease':
      return addWorkingDays(start, policy.customer.rejectionReleaseWorkingDays, policy.calendar); // P1
  }
}
