/**
 * V1–V3 in SQL over the real records. A purchase is a confirmed contract (C2): its total, or what
 * was paid of it once terminated; voided ones are lost bids. Each customer's figures are grouped
 * in the database, and its class (V1), tier (V2) and loyalty stage (V3) are decided there too, so
 * that lists, rankings and the pyramid are one statement each.
 */
import { sql, type SQL } from 'drizzle-orm';
import { arrayLiteral } from '../platform/db/sql.js';
import type { ValueParams } from './value-params.js';

export type { ValueParams } from './value-params.js';
import { goldSql, valueClassSql } from './rules/v1-value-class.js';
import { tierSql } from './rules/v2-tier.js';
import { loyaltySql } from './rules/v3-loyalty.js';

/** Which customers: these ids, or those of a reach (held by, or nobody's and entered by, someone in it), or all. */
export type ValueScope = { ids: readonly string[] } | { reach: ReadonlySet<string> | undefined };

const iso = (d: Date) => d.toISOString();

function scopeSql(scope: ValueScope): SQL {
  if ('ids' in scope) return sql`c.id = any(${arrayLiteral([...scope.ids])}::uuid[])`;
  if (!scope.reach) return sql`true`;
  const people = sql`${arrayLiteral([...scope.reach])}::uuid[]`;
  return sql`(c.custodian_id = any(${people}) or (c.custodian_id is null and c.created_by_id = any(${people})))`;
}

/**
 * One row per customer in scope: revenue to date and in the window, payments in the window, owed now (V5),
 * purchases, first and last, distinct purchase years, referrals, and `value_class` (A/B/C, null
 * for a customer that never bid), `tier` (null before a purchase) and `loyalty`.
 */
export function customerValuesSql(p: ValueParams, scope: ValueScope): SQL {
  return sql`with
    purchases as (
      select k.customer_id, k.confirmed_at, case when k.state = 'terminated' then k.paid else k.total end as amount
      from contracts k where k.confirmed_at is not null and k.state in ('confirmed', 'settled', 'terminated')),
    per as (
      select customer_id, sum(amount) as revenue, coalesce(sum(amount) filter (where confirmed_at >= ${iso(p.windowStart)}::timestamptz), 0) as window_revenue,
        count(*)::int as purchases, min(confirmed_at) as first_at, max(confirmed_at) as last_at,
        count(distinct date_part('year', confirmed_at at time zone ${p.timeZone}))::int as years
      from purchases group by customer_id),
    gold as (${goldSql(p)}),
    bidders as (select distinct customer_id from contracts where state = 'voided'),
    paid as (
      select k.customer_id, sum(pm.amount) as amount from payments pm join contracts k on k.id = pm.contract_id
      where pm.paid_at >= ${iso(p.windowStart)}::timestamptz group by k.customer_id),
    referrals as (select referred_by_id as customer_id, count(*)::int as n from customers where referred_by_id is not null group by 1),
    owed as (select customer_id, sum(total - paid) as amount from contracts where state = 'confirmed' group by 1)
    select c.id as customer_id, coalesce(per.revenue, 0)::text as revenue, coalesce(per.window_revenue, 0)::text as window_revenue,
      coalesce(paid.amount, 0)::text as window_payments, coalesce(owed.amount, 0)::text as outstanding, coalesce(per.purchases, 0) as purchases, per.first_at, per.last_at,
      coalesce(per.years, 0) as years, coalesce(referrals.n, 0) as referrals,
      ${valueClassSql(p)} as value_class, ${tierSql(p)} as tier, ${loyaltySql(p)} as loyalty
    from customers c
      left join per on per.customer_id = c.id left join gold on gold.customer_id = c.id
      left join bidders on bidders.customer_id = c.id left join paid on paid.customer_id = c.id
      left join referrals on referrals.customer_id = c.id left join owed on owed.customer_id = c.id
    where ${scopeSql(scope)}`;
}

/** V1: customers, window revenue and payments per class, in scope (customers that never bid left out). */
export function classesSql(p: ValueParams, scope: ValueScope): SQL {
  return sql`select v.value_class as label, count(*)::int as count, sum(v.window_revenue::numeric)::text as amount
    from (${customerValuesSql(p, scope)}) v where v.value_class is not null group by 1 order by 1`;
}

/** V2: customers and window revenue per tier, in scope. */
export function pyramidSql(p: ValueParams, scope: ValueScope): SQL {
  return sql`select v.tier as label, count(*)::int as count, sum(v.window_revenue::numeric)::text as amount
    from (${customerValuesSql(p, scope)}) v where v.tier is not null group by 1`;
}

/**
 * V1 Pareto: buyers in the window ranked by revenue, cut into `points` equal groups; each point
 * is the cumulative share of customers and of revenue up to that group.
 */
export function paretoSql(p: ValueParams, scope: ValueScope, points: number): SQL {
  return sql`with v as (select v.window_revenue::numeric as revenue from (${customerValuesSql(p, scope)}) v where v.window_revenue::numeric > 0),
    ranked as (select revenue, ntile(${points}::int) over (order by revenue desc) as bucket, count(*) over () as n, sum(revenue) over () as total from v)
    select bucket, max(n)::int as n, (sum(sum(revenue)) over (order by bucket) / max(total))::float8 as revenue_share,
      (sum(count(*)) over (order by bucket) / max(n))::float8 as customer_share
    from ranked group by bucket order by bucket`;
}

/** V3: how many buyers in scope bought more than once, and how many bought at all. */
export function repurchaseSql(p: ValueParams, scope: ValueScope): SQL {
  return sql`select count(*) filter (where v.purchases >= 2)::int as repeat, count(*) filter (where v.purchases >= 1)::int as buyers
    from (${customerValuesSql(p, scope)}) v`;
}

/** V3: the customers in scope with the most revenue (to date, or in the window). */
export function rankingSql(p: ValueParams, scope: ValueScope, by: 'REVENUE' | 'WINDOW_REVENUE', first: number): SQL {
  const column = by === 'REVENUE' ? sql`v.revenue::numeric` : sql`v.window_revenue::numeric`;
  return sql`select v.* from (${customerValuesSql(p, scope)}) v where v.purchases > 0 order by ${column} desc, v.customer_id limit ${first}`;
}
