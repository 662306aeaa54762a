/**
 * `reports`: the manager's reports (issue 18 §7) at 100,000 customers and 1,000,000 history rows
 * (`--count` sets the customers; history is ten rows per customer), through GraphQL over HTTP as
 * a GLOBAL manager over the last year, against each report's SQL statement run by hand through
 * postgres.js. Goal: each report under 200 ms. The sides alternate report by report, one warm-up
 * round first. Checks: the data's size, and the same figures from both sides.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import type postgres from 'postgres';
import { DEMO_PASSWORD } from '../src/demo/seed.js';
import { agingSql, auditSql, funnelSql, performanceSql, poolFlowSql } from '../src/reports/report.sql.js';
import { insertCustomers, nameParts } from './duplicates-data.js';
import { insertSalesUsers, protectedCustomer, withSetupApp } from './fixtures.js';
import { insertApplications, insertContracts, insertHistory } from './reports-data.js';
import {
  check,
  measurement,
  percentile,
  round,
  sampleRss,
  StatementCounter,
  withApiProcess,
  withSqlClient,
  type Benchmark,
  type BenchContext,
  type BenchResult,
} from './lib.js';

const ROUNDS = 10;
const GOAL_MS = 200;
const dialect = new PgDialect();

interface Case {
  name: string;
  query: string;
  sql: SQL;
  /** The figure both sides must agree on. */
  figure: (data: Record<string, unknown>) => unknown;
  figureSql: (rows: Record<string, unknown>[]) => unknown;
}

function cases(from: Date, to: Date, tag: string): Case[] {
  const p = { from, to };
  const vars = `(from: "${from.toISOString()}", to: "${to.toISOString()}")`;
  return [
    {
      name: `funnel (${tag})`,
      query: `{ funnelReport${vars} { stages { label count conversion } } }`,
      sql: funnelSql(p, undefined),
      figure: (d) => (d.funnelReport as { stages: { count: number }[] }).stages.map((s) => s.count).join(),
      figureSql: (r) => [r[0]?.entered, r[0]?.protected, r[0]?.intent, r[0]?.formal].join(),
    },
    {
      name: `pool flows (${tag})`,
      query: `{ poolFlowReport${vars} { period label value } }`,
      sql: poolFlowSql(p, undefined, 'Asia/Shanghai'),
      figure: (d) => (d.poolFlowReport as { value: number }[]).reduce((a, x) => a + x.value, 0),
      figureSql: (r) => r.reduce((a, x) => a + Number(x.count), 0),
    },
    {
      name: `audit (${tag})`,
      query: `{ auditReport${vars} { decisions medianHours p90Hours overdue byDecider { decisions } } }`,
      sql: auditSql(p, undefined),
      figure: (d) => (d.auditReport as { decisions: number }).decisions,
      figureSql: (r) => r.find((x) => x.decider === null)?.count,
    },
    {
      name: `performance (${tag})`,
      query: `{ salesPerformanceReport${vars} { byUser { newCustomers claims contracts contractAmount payments } byDepartment { contracts } } }`,
      sql: performanceSql(p, undefined),
      figure: (d) => (d.salesPerformanceReport as { byUser: { contracts: number }[] }).byUser.reduce((a, x) => a + x.contracts, 0),
      figureSql: (r) => r.reduce((a, x) => a + Number(x.contracts), 0),
    },
    {
      name: 'aging',
      query: `{ receivablesAgingReport { buckets { label count amount } total } }`,
      sql: agingSql(to, undefined),
      figure: (d) => (d.receivablesAgingReport as { buckets: { count: number }[] }).buckets.reduce((a, x) => a + x.count, 0),
      figureSql: (r) => r.reduce((a, x) => a + Number(x.count), 0),
    },
  ];
}

async function viaGraphql(url: string, token: string, query: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (!body.data || body.errors) throw new Error(`report failed: ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
  return body.data;
}

async function viaSql(client: postgres.Sql, statement: SQL): Promise<Record<string, unknown>[]> {
  const { sql: text, params } = dialect.sqlToQuery(statement);
  return client.unsafe(text, params as never[]);
}

async function run({ database, sql, options, log }: BenchContext): Promise<BenchResult> {
  const count = options.duplicatesCount === 1_000_000 ? 100_000 : options.duplicatesCount;
  const jwtSecret = randomBytes(32).toString('hex');
  const started = performance.now();
  const token = await withSetupApp(database.url, jwtSecret, async (app) => {
    const template = await protectedCustomer(app);
    await insertCustomers(app.database.db, nameParts(), template.id, count, log, 2);
    return (await app.services.users.login('manager1', DEMO_PASSWORD)).token;
  });
  await insertSalesUsers(sql, 32);
  const added = await insertHistory(sql, count * 10);
  await insertApplications(sql, Math.round(count / 2));
  await insertContracts(sql, Math.round(count / 5));
  for (const table of ['customers', 'transitions', 'applications', 'application_decisions', 'contracts', 'payments', 'users'])
    await sql.unsafe(`vacuum analyze ${table}`);
  const [size] = await sql<
    { customers: number; history: number }[]
  >`select (select count(*)::int from customers) as customers, (select count(*)::int from transitions) as history`;
  const generated = (performance.now() - started) / 1000;
  log(`${size?.customers} customers, ${size?.history} history rows (${added} added) in ${generated.toFixed(1)} s`);
  const to = new Date();
  const days = (n: number) => new Date(to.getTime() - n * 86_400_000);
  // The last year (the widest period the API takes) and the last quarter; aging has no period.
  const all = [...cases(days(365), to, '365 d'), ...cases(days(91), to, '91 d').filter((c) => c.name !== 'aging')];
  const counter = new StatementCounter();
  const result = await withApiProcess(database.url, jwtSecret, (api) =>
    withSqlClient(database.url, { max: 1, counter }, async (client) => {
      const rss = sampleRss(api.pid);
      const times = new Map(all.map((c) => [c.name, { engine: [] as number[], baseline: [] as number[] }]));
      const differing: string[] = [];
      for (const c of all) {
        await viaGraphql(api.url, token, c.query);
        await viaSql(client, c.sql);
      }
      await api.measureStart();
      counter.reset();
      for (let round_ = 0; round_ < ROUNDS; round_ += 1) {
        for (const c of all) {
          // Whichever side runs second finds the report's pages cached: the sides take turns going first.
          const engineFirst = round_ % 2 === 0;
          const time = async <T>(fn: () => Promise<T>) => {
            const t0 = performance.now();
            const value = await fn();
            return { value, ms: performance.now() - t0 };
          };
          const first = engineFirst ? await time(() => viaGraphql(api.url, token, c.query)) : await time(() => viaSql(client, c.sql));
          const second = engineFirst ? await time(() => viaSql(client, c.sql)) : await time(() => viaGraphql(api.url, token, c.query));
          const engine = (engineFirst ? first : second) as { value: Record<string, unknown>; ms: number };
          const baseline = (engineFirst ? second : first) as { value: Record<string, unknown>[]; ms: number };
          times.get(c.name)?.engine.push(engine.ms);
          times.get(c.name)?.baseline.push(baseline.ms);
          if (round_ === 0 && String(c.figure(engine.value)) !== String(c.figureSql(baseline.value))) {
            differing.push(`${c.name}: ${c.figure(engine.value)} vs ${c.figureSql(baseline.value)}`);
          }
        }
      }
      const measured = await api.measureStop();
      return { times, differing, measured, baselineStatements: counter.byVerb(), rss: rss.stop() };
    }),
  );
  const flat = (side: 'engine' | 'baseline') => [...result.times.values()].flatMap((t) => t[side]);
  const secs = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / 1000;
  const p = (xs: number[], q: number) => round(percentile(xs, q), 1);
  const perReport = [...result.times.entries()].map(([name, t]) => ({
    name,
    engineP50: p(t.engine, 50),
    engineP95: p(t.engine, 95),
    baseP50: p(t.baseline, 50),
    baseP95: p(t.baseline, 95),
  }));
  const slow = perReport.filter((r) => r.engineP95 >= GOAL_MS);
  const e = flat('engine');
  const b = flat('baseline');
  const engineM = measurement(e.length, secs(e), result.measured.statements, { latencyMs: { p50: p(e, 50), p95: p(e, 95), p99: p(e, 99) } });
  const baselineM = measurement(b.length, secs(b), result.baselineStatements, { latencyMs: { p50: p(b, 50), p95: p(b, 95), p99: p(b, 99) } });
  return {
    name: 'reports',
    unit: 'reports/s',
    engine: engineM,
    baseline: baselineM,
    ratio: round(baselineM.rate / Math.max(engineM.rate, 1e-9), 1),
    apiRss: result.rss,
    apiCpuSeconds: round(result.measured.cpuSeconds, 2),
    checks: [
      check('generated', (size?.customers ?? 0) >= count && (size?.history ?? 0) >= count * 10, `${size?.customers} customers, ${size?.history} history rows`),
      check(
        'same figures as the baseline',
        result.differing.length === 0,
        result.differing.length === 0 ? `${all.length} reports` : result.differing.join('; '),
      ),
    ],
    parameters: { customers: size?.customers ?? 0, history: size?.history ?? 0, rounds: ROUNDS, generateSeconds: round(generated, 1) },
    notes: [
      `goal: every report p95 < ${GOAL_MS} ms on PostgreSQL: ${slow.length === 0 ? 'met' : `not met by ${slow.map((s) => s.name).join(', ')}`}`,
      ...perReport.map((r) => `${r.name}: engine p50 ${r.engineP50} ms, p95 ${r.engineP95} ms; baseline SQL p50 ${r.baseP50} ms, p95 ${r.baseP95} ms`),
      'engine: GraphQL over HTTP as a GLOBAL manager over the last 365 days (the widest period) and the last 91; baseline: the same statement through postgres.js; the two take turns going first',
    ],
  };
}

/** The manager's reports over GraphQL against their SQL statements, at 100,000 customers and 1,000,000 history rows. */
export const reports: Benchmark = {
  name: 'reports',
  summary: 'the five manager reports over HTTP at 100,000 customers / 1,000,000 history rows (--count customers) vs their SQL',
  run,
};
