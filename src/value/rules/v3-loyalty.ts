/**
 * V3: a customer's loyalty stage: POTENTIAL (no purchase) → FIRST_PURCHASE → REPEAT (two or more)
 * → ADVOCATE (a repeat buyer that referred `value.advocateReferrals` customers) → PARTNER
 * (purchases in `value.partnerYears` calendar years).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { ValueParams } from '../value-params.js';

export const loyaltySql = (p: ValueParams): SQL =>
  sql`case when per.customer_id is null then 'POTENTIAL'
    when per.years >= ${p.partnerYears}::int then 'PARTNER'
    when per.purchases >= 2 and coalesce(referrals.n, 0) >= ${p.advocateReferrals}::int then 'ADVOCATE'
    when per.purchases >= 2 then 'REPEAT' else 'FIRST_PURCHASE' end`;
