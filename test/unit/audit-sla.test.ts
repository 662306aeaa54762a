import { describe, expect, it } from 'vitest';
import { auditDueAt, isAuditOverdue, overdueMadeBefore } from '../../src/applications/rules/a5-audit-sla.js';
import { DEFAULT_POLICY, mergePolicy, type Policy } from '../../src/workflow/policy/policy.js';

function policy(changes: Record<string, unknown>): Policy {
  const result = mergePolicy(DEFAULT_POLICY, changes);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.policy;
}

const HOUR = 3_600_000;

describe('A5 audit SLA', () => {
  describe('overdueMadeBefore', () => {
    const policies = {
      default: DEFAULT_POLICY,
      'holidays and a make-up working day': policy({
        application: { auditSla: { workingDays: 2 } },
        calendar: { holidays: ['2026-12-31', '2027-01-01'], workdays: ['2027-01-03'] },
      }),
    };
    for (const [name, p] of Object.entries(policies)) {
      it(`should split overdue from not yet overdue exactly where isAuditOverdue does (${name})`, () => {
        // Every 7 hours (and the millisecond either side of each bound) over three weeks around New Year.
        for (let now = Date.parse('2026-12-24T00:00:00Z'); now < Date.parse('2027-01-14T00:00:00Z'); now += 7 * HOUR) {
          const bound = overdueMadeBefore(p, new Date(now)).getTime();
          for (const made of [bound - 1, bound, bound + 1, bound - 13 * HOUR, bound + 13 * HOUR]) {
            const row = { createdAt: new Date(made), state: 'pending' };
            expect(isAuditOverdue(row, p, new Date(now)), `made ${new Date(made).toISOString()} now ${new Date(now).toISOString()}`).toBe(made < bound);
          }
          expect(auditDueAt({ createdAt: new Date(bound - 1) }, p).getTime()).toBeLessThanOrEqual(now);
        }
      });
    }
  });
});
