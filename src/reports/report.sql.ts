/**
 * The manager's reports (issue 18 §7) as SQL over the real records: each report is one statement
 * (two for the audit report) that returns plain rows, grouped in the database. A department
 * manager's reach (T1) narrows every report to the people of their subtree: the customers they
 * entered or hold, the applications they made, the contracts they own.
 */
import { sql, type SQL } from 'drizzle-orm';
import { arrayLiteral } from '../platform/db/sql.js';

/** The period a report covers: [from, to). */
export interface Period {
  from: Date;
  to: Date;
}

const iso = (d: Date) => d.toISOString();

/** `column` belongs to someone in `reach` (no reach: everyone). */
export function inReach(column: SQL, reach: ReadonlySet<string> | undefined): SQL {
  return reach ? sql`${column} = any(${arrayLiteral([...reach])}::uuid[])` : sql`true`;
}

/** A customer of the reach: held by, or (nobody's) entered by, someone in it. */
function customerInReach(alias: string, reach: ReadonlySet<string> | undefined): SQL {
  if (!reach) return sql`true`;
  const a = sql.raw(alias);
  return sql`(${inReach(sql`${a}.custodian_id`, reach)} or (${a}.custodian_id is null and ${inReach(sql`${a}.created_by_id`, reach)}))`;
}

/**
 * Funnel: how many customers entered each stage in the period — entered (created), protected
 * (PROTECTION approved, P1), intent (INTENT approved, P4), formal (its first contract confirmed,
 * P6) — counted on the records themselves through their time indexes (the history would say the
 * same with ten times the rows to count). A customer counts for whoever entered it (its
 * pipeline), though after-sales holds it once formal.
 */
export function funnelSql(p: Period, reach: ReadonlySet<string> | undefined): SQL {
  const range = (col: SQL) => sql`${col} >= ${iso(p.from)}::timestamptz and ${col} < ${iso(p.to)}::timestamptz`;
  const mine = (customerId: SQL) => (reach ? sql`${customerId} in (select r.id from customers r where ${inReach(sql`r.created_by_id`, reach)})` : sql`true`);
  const approved = (kind: string) =>
    sql`(select count(*) from applications a where a.kind = ${kind} and a.state = 'approved' and ${range(sql`a.decided_at`)} and ${mine(sql`a.customer_id`)})::int`;
  return sql`select
      (select count(*) from customers c where ${range(sql`c.created_at`)} and ${inReach(sql`c.created_by_id`, reach)})::int as entered,
      ${approved('PROTECTION')} as protected,
      ${approved('INTENT')} as intent,
      (select count(*) from (select k.customer_id, min(k.confirmed_at) as first from contracts k where k.confirmed_at is not null group by 1) f
        where ${range(sql`f.first`)} and ${mine(sql`f.customer_id`)})::int as formal`;
}

/** Customers per stage now (the funnel's snapshot). */
export function stagesNowSql(reach: ReadonlySet<string> | undefined): SQL {
  return sql`select c.stage as label, count(*)::int as count from customers c where ${customerInReach('c', reach)} group by c.stage`;
}

/**
 * Pool flows per ISO week by reason: into the pool (term expired, abandoned, rejection lapsed,
 * inactivity, handed over) and out of it (claimed, assigned). Scoped by the person the customer
 * left or went to.
 */
export function poolFlowSql(p: Period, reach: ReadonlySet<string> | undefined, timeZone: string): SQL {
  const person = sql`coalesce(t.payload -> 'changes' -> 'custodianId' ->> 0, t.payload -> 'changes' -> 'custodianId' ->> 1)::uuid`;
  return sql`select date_trunc('week', t.created_at at time zone ${timeZone}) at time zone ${timeZone} as period, t.event as reason, count(*)::int as count
    from transitions t
    where t.machine = 'customer' and (t.to_state = 'pool' or t.from_state = 'pool') and t.to_state is distinct from t.from_state
      and t.created_at >= ${iso(p.from)}::timestamptz and t.created_at < ${iso(p.to)}::timestamptz
      and ${inReach(person, reach)}
    group by 1, 2 order by 1, 2`;
}

/** Audit: decisions in the period — count, median and p90 hours from application to decision — overall and by decider. */
export function auditSql(p: Period, reach: ReadonlySet<string> | undefined): SQL {
  return sql`select d.decider_id as decider, count(*)::int as count,
      percentile_cont(0.5) within group (order by extract(epoch from d.created_at - a.created_at)) / 3600 as median_hours,
      percentile_cont(0.9) within group (order by extract(epoch from d.created_at - a.created_at)) / 3600 as p90_hours
    from application_decisions d join applications a on a.id = d.application_id
    where d.created_at >= ${iso(p.from)}::timestamptz and d.created_at < ${iso(p.to)}::timestamptz
      and ${inReach(sql`a.applicant_id`, reach)}
    group by grouping sets ((d.decider_id), ())`;
}

/** Audit: applications pending now that were made before `madeBefore` (past the SLA, A5). */
export function overdueSql(madeBefore: Date, reach: ReadonlySet<string> | undefined): SQL {
  return sql`select count(*)::int as overdue from applications a
    where a.state = 'pending' and a.created_at < ${iso(madeBefore)}::timestamptz and ${inReach(sql`a.applicant_id`, reach)}`;
}

/**
 * Sales performance per person in the period: customers entered, claims, intent applications
 * approved, contracts confirmed (count and amount, by their owner) and payments received
 * on their contracts.
 */
export function performanceSql(p: Period, reach: ReadonlySet<string> | undefined): SQL {
  const range = (col: SQL) => sql`${col} >= ${iso(p.from)}::timestamptz and ${col} < ${iso(p.to)}::timestamptz`;
  return sql`with
    entered as (select created_by_id as uid, count(*)::int as n from customers where ${range(sql`created_at`)} group by 1),
    claims as (select actor_id as uid, count(*)::int as n from transitions
      where machine = 'customer' and event = 'CLAIM' and ${range(sql`created_at`)} group by 1),
    intents as (select applicant_id as uid, count(*)::int as n from applications
      where kind = 'INTENT' and state = 'approved' and ${range(sql`decided_at`)} group by 1),
    signed as (select created_by_id as uid, count(*)::int as n, sum(total) as amount from contracts
      where confirmed_at is not null and ${range(sql`confirmed_at`)} group by 1),
    paid as (select k.created_by_id as uid, sum(pm.amount) as amount from payments pm join contracts k on k.id = pm.contract_id
      where ${range(sql`pm.paid_at`)} group by 1)
    select u.id as user_id, u.department_id, dept.name as department_name, coalesce(e.n, 0) as entered, coalesce(cl.n, 0) as claims, coalesce(i.n, 0) as intents,
      coalesce(s.n, 0) as contracts, coalesce(s.amount, 0)::text as contract_amount, coalesce(pd.amount, 0)::text as payments
    from users u join departments dept on dept.id = u.department_id
    left join entered e on e.uid = u.id left join claims cl on cl.uid = u.id left join intents i on i.uid = u.id
    left join signed s on s.uid = u.id left join paid pd on pd.uid = u.id
    where ${inReach(sql`u.id`, reach)}
      and (e.n is not null or cl.n is not null or i.n is not null or s.n is not null or pd.amount is not null)
    order by coalesce(s.amount, 0) desc, u.username`;
}

/** Receivables aging as of `asOf`: outstanding amounts of confirmed contracts by days since confirmation (C3), by the contract's owner. */
export function agingSql(asOf: Date, reach: ReadonlySet<string> | undefined): SQL {
  return sql`select case
        when age <= 30 then '0-30' when age <= 60 then '31-60' when age <= 90 then '61-90' else '90+' end as label,
      count(*)::int as count, sum(outstanding)::text as amount
    from (select k.total - k.paid as outstanding, extract(day from ${iso(asOf)}::timestamptz - k.confirmed_at) as age
      from contracts k
      where k.state = 'confirmed' and k.total > k.paid and k.confirmed_at <= ${iso(asOf)}::timestamptz and ${inReach(sql`k.created_by_id`, reach)}) r
    group by 1 order by min(age)`;
}
