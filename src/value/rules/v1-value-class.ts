/**
 * V1: a customer's value class, decided in SQL over the per-customer figures of value.sql.ts
 * (`per`: its purchases; `gold`: the top `value.goldShare` of the window's buyers by revenue;
 * `bidders`: customers with a lost, voided bid). A = 金牌, one of the gold; C = drag, no confirmed
 * contract since `value.dragAfter` back (or only lost bids); B the rest; none for a customer that
 * never bid.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { ValueParams } from '../value-params.js';

export const valueClassSql = (p: ValueParams): SQL =>
  sql`case when per.customer_id is null and bidders.customer_id is null then null
    when per.last_at is null or per.last_at < ${p.dragBefore.toISOString()}::timestamptz then 'C'
    when gold.customer_id is not null then 'A' else 'B' end`;

/** The gold customers: the top `goldShare` (at least one) of those with revenue in the window, by that revenue. */
export const goldSql = (p: ValueParams): SQL =>
  sql`select customer_id from (
      select customer_id, row_number() over (order by window_revenue desc, customer_id) as r, count(*) over () as n from per where window_revenue > 0) g
    where r <= ceil(n * ${p.goldShare}::numeric)`;
