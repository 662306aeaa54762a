/**
 * V2: the tier of the value pyramid a customer's revenue in the window earns, by the thresholds
 * of policy `value.tiers` (below ORDINARY's: SMALL; none before a purchase). The level the sales
 * team gives a customer is the same four (customer-level.ts).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { ValueParams } from '../value-params.js';

export const tierSql = (p: ValueParams): SQL =>
  sql`case when per.customer_id is null then null
    when per.window_revenue >= ${p.tiers.VIP}::numeric then 'VIP'
    when per.window_revenue >= ${p.tiers.MAJOR}::numeric then 'MAJOR'
    when per.window_revenue >= ${p.tiers.ORDINARY}::numeric then 'ORDINARY' else 'SMALL' end`;
