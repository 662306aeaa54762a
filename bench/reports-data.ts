/**
 * Data for the `reports` benchmark, made in SQL in bulk: history rows (transitions) spread over
 * the last year among the customers — funnel events, claims, abandonments and expiries — plus
 * decided applications with their decisions, and confirmed contracts with payments, owned by the
 * benchmark's salespeople. Rows are shaped as the app writes them (states, payload changes).
 */
import type postgres from 'postgres';

const YEAR = "interval '365 days'";

/** Adds history rows until `transitions` holds `total`; returns how many it added. */
export async function insertHistory(sql: postgres.Sql, total: number): Promise<number> {
  await sql`create temp table bench_customers as select row_number() over (order by id) as rn, id from customers`;
  await sql`create temp table bench_people as select row_number() over (order by id) - 1 as rn, id from users where 'SALES' = any(roles)`;
  const customers = (await sql<{ n: number }[]>`select count(*)::int as n from bench_customers`)[0]?.n ?? 0;
  const people = (await sql<{ n: number }[]>`select count(*)::int as n from bench_people`)[0]?.n ?? 1;
  const existing = (await sql<{ n: number }[]>`select count(*)::int as n from transitions`)[0]?.n ?? 0;
  const missing = Math.max(0, total - existing);
  const chunk = 200_000;
  for (let from = 1; from <= missing; from += chunk) {
    const to = Math.min(missing, from + chunk - 1);
    await sql.unsafe(
      `insert into transitions (entity_type, entity_id, machine, machine_version, event, from_state, to_state, actor_id, payload, created_at)
       select 'customer', c.id, 'customer', 1, e.event, e.from_state, e.to_state,
         case when e.event in ('TERM_EXPIRED') then null else p.id end,
         case e.event
           when 'CLAIM' then jsonb_build_object('changes', jsonb_build_object('custodianId', jsonb_build_array(null, p.id)))
           when 'ABANDON' then jsonb_build_object('changes', jsonb_build_object('custodianId', jsonb_build_array(p.id, null)))
           when 'TERM_EXPIRED' then jsonb_build_object('changes', jsonb_build_object('custodianId', jsonb_build_array(p.id, null)))
           else '{}'::jsonb end,
         now() - ${YEAR} * ((g * 7919) % 100000) / 100000.0
       from generate_series(${from}::bigint, ${to}::bigint) g
       join bench_customers c on c.rn = 1 + (g * 31) % ${customers}
       join bench_people p on p.rn = g % ${people}
       cross join lateral (select * from (values
         (0, 'CREATE', null, 'prospect.pendingAudit'), (1, 'PROTECTION_APPROVED', 'prospect.pendingAudit', 'prospect.protected'),
         (2, 'INTENT_APPROVED', 'prospect.protected', 'intent'), (3, 'CONTRACT_SIGNED', 'intent', 'formal'),
         (4, 'CLAIM', 'pool', 'prospect.protected'), (5, 'ABANDON', 'prospect.protected', 'pool'),
         (6, 'TERM_EXPIRED', 'prospect.protected', 'pool'), (7, 'EXTENSION_APPROVED', 'prospect.protected', 'prospect.protected'),
         (8, 'APPLICATION_OPENED', 'prospect.protected', 'prospect.protected'), (9, 'APPLICATION_CLOSED', 'prospect.protected', 'prospect.protected')
       ) v(k, event, from_state, to_state) where v.k = g % 10) e`,
    );
  }
  return missing;
}

/** `count` decided applications (A2) over the last year, each with one decision by an auditor, a few hours to days later. */
export async function insertApplications(sql: postgres.Sql, count: number): Promise<void> {
  await sql.unsafe(`
    with made as (
      insert into applications (customer_id, kind, applicant_id, reason, state, snapshot, decided_at, created_at, updated_at)
      select c.id, (array['PROTECTION', 'INTENT', 'EXTENSION'])[1 + g % 3], p.id, '基准测试申请', case when g % 5 = 0 then 'rejected' else 'approved' end, '{}'::jsonb,
        t0 + interval '1 hour' * (1 + (g * 13) % 96), t0, t0
      from generate_series(1::bigint, ${count}::bigint) g
      join bench_customers c on c.rn = 1 + (g * 17) % (select count(*) from bench_customers)
      join bench_people p on p.rn = g % (select count(*) from bench_people)
      cross join lateral (select now() - ${YEAR} * ((g * 6151) % 100000) / 100000.0 as t0) t
      returning id, state, decided_at)
    insert into application_decisions (application_id, step, decider_id, decision, created_at)
    select m.id, 0, (select id from users where username = 'auditor1'), case m.state when 'approved' then 'APPROVED' else 'REJECTED' end, m.decided_at from made m`);
}

/** `count` confirmed contracts over the last year owned by the salespeople, half settled, a quarter half paid. */
export async function insertContracts(sql: postgres.Sql, count: number): Promise<void> {
  await sql.unsafe(`
    with made as (
      insert into contracts (number, customer_id, created_by_id, total, paid, state, snapshot, confirmed_at, sign_date, created_at, updated_at)
      select 'BENCH-' || g, c.id, p.id, total, case when g % 2 = 0 then total when g % 4 = 1 then total / 2 else 0 end,
        case when g % 2 = 0 then 'settled' else 'confirmed' end, '{}'::jsonb, t0, t0::date, t0, t0
      from generate_series(1::bigint, ${count}::bigint) g
      join bench_customers c on c.rn = 1 + (g * 7) % (select count(*) from bench_customers)
      join bench_people p on p.rn = g % (select count(*) from bench_people)
      cross join lateral (select now() - ${YEAR} * ((g * 4001) % 100000) / 100000.0 as t0, (1000 + (g * 37) % 90000)::numeric(14, 2) as total) t
      returning id, paid, confirmed_at, created_by_id)
    insert into payments (contract_id, amount, paid_at, method, recorded_by_id)
    select m.id, m.paid, m.confirmed_at + interval '5 days', 'BANK_TRANSFER', m.created_by_id from made m where m.paid > 0`);
}
