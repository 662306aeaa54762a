/** V1–V3: the policy section `value` (customer value over confirmed contracts and payments). */
import { z } from 'zod';

import { evenAfterOtherProblems } from '../../platform/validation.js';
import { expected, POLICY_BOUNDS, section, term } from './policy-parts.js';

/** A money amount in yuan as text, 2 places at most, e.g. "200000.00". */
const amountText = z
  .string({ error: expected('an amount in yuan as text, e.g. "200000.00"') })
  .regex(/^\d{1,13}(\.\d{1,2})?$/, { error: expected('an amount in yuan as text, e.g. "200000.00"') });

/** V2: the least revenue in the value window of each tier above SMALL. */
const tierThresholds = section({ VIP: amountText, MAJOR: amountText, ORDINARY: amountText }).superRefine(
  (t, ctx) => {
    if (!(Number(t.VIP) > Number(t.MAJOR) && Number(t.MAJOR) > Number(t.ORDINARY))) {
      ctx.addIssue({ code: 'custom', message: 'must fall from VIP to MAJOR to ORDINARY' });
    }
  },
  { when: evenAfterOtherProblems },
);

/** V1–V3: customer value, computed over confirmed contracts and payments. */
export const valuePolicySchema = section({
  /** V1/V2: the period revenue is totalled over, back from now (default a year). */
  window: term,
  /** V1: the share of buying customers with the most revenue in the window that are class A (金牌), e.g. 0.05. */
  goldShare: z
    .number({ error: expected('a share between 0 and 1, e.g. 0.05') })
    .gt(0)
    .max(1),
  /** V1: a customer with no confirmed contract for this long (or only voided ones) is class C (drag). */
  dragAfter: term,
  /** V2: revenue thresholds of the pyramid's tiers; below ORDINARY's, SMALL. */
  tiers: tierThresholds,
  /** V3: customers referred that make a repeat buyer an advocate. */
  advocateReferrals: z
    .number({ error: expected('a whole number from 1') })
    .int()
    .min(1)
    .max(POLICY_BOUNDS.cap),
  /** V3: distinct calendar years with a purchase that make a customer a partner. */
  partnerYears: z
    .number({ error: expected('a whole number from 2 to 50') })
    .int()
    .min(2)
    .max(50),
});

/** V1–V3 defaults, also for policy documents written before the section existed. */
export const DEFAULT_VALUE_POLICY = {
  window: 'P1Y',
  goldShare: 0.05,
  dragAfter: 'P1Y',
  tiers: { VIP: '1000000.00', MAJOR: '200000.00', ORDINARY: '20000.00' },
  advocateReferrals: 1,
  partnerYears: 3,
};
