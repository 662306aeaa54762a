/**
 * `npm run bench -- reads`: the nested list front ends load most — `customers(first: 50)` with
 * each customer's custodian, contacts and five newest follow-ups — as a MANAGER over HTTP with
 * C connections for D seconds (autocannon), against a hand-written node:http + postgres.js
 * endpoint returning the same JSON (reads-baseline.ts), each in a process of its own.
 * Dataset: 2,000 customers (copies of one approved through the services, custody spread over
 * C salespeople) × 3 contacts × 10 follow-ups, inserted in bulk by SQL.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type postgres from 'postgres';
import { DEMO_PASSWORD } from '../src/demo/seed.js';
import { analyze, insertCopies, insertSalesUsers, protectedCustomer, withSetupApp } from './fixtures.js';
import { check, measurement, round, sampleRss, withApiProcess, type ApiProcess, type Benchmark, type BenchContext, type BenchResult } from './lib.js';
import type { BaselineCommand, BaselineReply } from './reads-baseline.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CUSTOMERS = 2_000;
const CONTACTS = 3;
const FOLLOW_UPS = 10;
const PAGE = 50;
const LATEST = 5;
const WARM_UP_SECONDS = 3;
/** The query; the baseline answers it with the same JSON. */
export const READS_QUERY = `query Reads { customers(first: ${PAGE}) { edges { node { id name stage custodian { displayName } contacts { name mobile } followUps(first: ${LATEST}) { edges { node { channel notes createdAt } } } } } } }`;

/** Spreads the copies over the salespeople, one minute apart, with contacts and follow-ups. */
async function seedReads(sql: postgres.Sql, templateId: string, createdById: string, custodians: readonly string[]): Promise<void> {
  const ids = `{${custodians.join(',')}}`;
  await insertCopies(sql, { templateId, tag: 'read', phoneDigit: 3, count: CUSTOMERS, custodianId: createdById, createdById });
  await sql`
    with numbered as (select id, row_number() over (order by trade_name) as g from customers where trade_name like 'read-%')
    update customers c set custodian_id = (${ids}::uuid[])[1 + (n.g % ${custodians.length})],
      snapshot = jsonb_set(c.snapshot, '{context,custodianId}', to_jsonb(((${ids}::uuid[])[1 + (n.g % ${custodians.length})])::text)),
      created_at = c.created_at + n.g * interval '1 minute'
    from numbered n where c.id = n.id`;
  const surnames = '{王,李,张,刘,陈,杨,黄,赵,吴,周}';
  await sql`
    insert into contacts (customer_id, name, title, mobile, created_by_id, created_at, updated_at, state, snapshot)
    select c.id, (${surnames}::text[])[1 + (abs(hashtext(c.id::text)) + g) % 10] || (array['建国', '秀英', '志强'])[g],
      (array['总经理', '采购经理', '设备科长'])[g], '13' || (g + 5) || substr(c.phone_key, 5, 8), c.custodian_id,
      c.created_at + g * interval '1 second', c.created_at + g * interval '1 second',
      -- F5: an active contact, as engine.initial starts one (migration 0019's snapshot).
      'active', '{"status":"active","value":"active","historyValue":{},"context":{"leftOn":null,"leftNote":null},"children":{}}'::jsonb
    from customers c, generate_series(1, ${CONTACTS}) g where c.trade_name like 'read-%'`;
  await sql`
    insert into follow_ups (customer_id, author_id, channel, notes, next_contact_at, created_at)
    select c.id, c.custodian_id, (array['PHONE', 'VISIT', 'EMAIL', 'MESSAGE', 'MEETING'])[1 + g % 5],
      '第' || g || '次跟进：与采购经理沟通了空调机组的报价与交货期，客户要求下周提供技术方案并安排现场勘察。',
      c.created_at + (g + 1) * interval '1 day', c.created_at + g * interval '1 hour'
    from customers c, generate_series(1, ${FOLLOW_UPS}) g where c.trade_name like 'read-%'`;
  await sql`
    update customers c set last_follow_up_at = c.created_at + ${FOLLOW_UPS} * interval '1 hour',
      next_contact_at = c.created_at + ${FOLLOW_UPS + 1} * interval '1 day'
    where c.trade_name like 'read-%'`;
  await analyze(sql);
  await sql`analyze contacts`;
  await sql`analyze follow_ups`;
}

interface LoadRun {
  ok: number;
  errors: number;
  firstError: string | null;
  seconds: number;
  p50: number;
  p99: number;
  transportErrors: number;
}

/** C connections sending the same request for `duration` s; a 200 without `"errors"` counts. */
async function load(url: string, token: string, connections: number, duration: number): Promise<LoadRun> {
  const run: LoadRun = { ok: 0, errors: 0, firstError: null, seconds: 0, p50: 0, p99: 0, transportErrors: 0 };
  const result = await autocannon({
    url,
    connections,
    duration,
    timeout: 30,
    pipelining: 1,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: READS_QUERY }),
        onResponse: (status, body) => {
          if (status === 200 && !body.includes('"errors"')) run.ok += 1;
          else {
            run.errors += 1;
            run.firstError ??= `HTTP ${status}: ${body.slice(0, 300)}`;
          }
        },
      },
    ],
  });
  return { ...run, seconds: result.duration, p50: result.latency.p50, p99: result.latency.p99, transportErrors: result.errors + result.timeouts };
}

/** One answer of an endpoint, parsed. */
async function answer(url: string, token: string): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: READS_QUERY }),
  });
  return res.json();
}

/** The baseline process (reads-baseline.ts compiled to dist/bench), started on the database. */
async function startBaseline(databaseUrl: string, poolSize: number) {
  // BENCH_CPU_PROF=<dir>: profiled like the API process, to compare the two.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const script = join(HERE, '..', 'dist', 'bench', 'reads-baseline.js');
  const child: ChildProcess = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: profile });
  const next = () =>
    new Promise<BaselineReply>((resolve, reject) => {
      child.once('message', (m: BaselineReply) => (m.type === 'failed' ? reject(new Error(`baseline: ${m.message}`)) : resolve(m)));
      child.once('exit', () => reject(new Error('baseline process exited')));
    });
  const call = async (command: BaselineCommand) => {
    const reply = next();
    child.send(command);
    return reply;
  };
  const ready = await call({ cmd: 'start', databaseUrl, poolSize, first: PAGE, followUps: LATEST });
  if (ready.type !== 'ready') throw new Error('baseline did not start');
  return {
    url: ready.url,
    measureStart: () => call({ cmd: 'measureStart' }),
    async measureStop(): Promise<{ statements: Record<string, number>; cpuSeconds: number }> {
      const r = await call({ cmd: 'measureStop' });
      return r.type === 'done' ? r : { statements: {}, cpuSeconds: 0 };
    },
    close: async () => {
      await call({ cmd: 'close' }).catch(() => child.kill('SIGTERM'));
    },
  };
}

/** Warm-up, then the measured run, with the API's statements, CPU and RSS. */
async function engineRun(api: ApiProcess, token: string, clients: number, duration: number) {
  const rss = sampleRss(api.pid);
  // Statements of one request alone: under load, requests in flight at the edges would count.
  await answer(api.url, token);
  await api.measureStart();
  const sample = await answer(api.url, token);
  const single = (await api.measureStop()).statements;
  await load(api.url, token, clients, WARM_UP_SECONDS);
  await api.measureStart();
  const http = await load(api.url, token, clients, duration);
  const measured = await api.measureStop();
  return { http, measured, single, sample, rss: rss.stop(), poolSize: api.poolSize };
}

async function setup(database: { url: string }, sql: postgres.Sql, clients: number, jwtSecret: string) {
  return withSetupApp(database.url, jwtSecret, async (app) => {
    const template = await protectedCustomer(app);
    const people = await insertSalesUsers(sql, clients);
    await seedReads(
      sql,
      template.id,
      template.createdById,
      people.map((p) => p.id),
    );
    return { token: (await app.services.users.login('manager1', DEMO_PASSWORD)).token };
  });
}

async function run({ database, sql, options, log }: BenchContext): Promise<BenchResult> {
  const { clients, duration } = options;
  const jwtSecret = randomBytes(32).toString('hex');
  const { token } = await setup(database, sql, clients, jwtSecret);
  log(`seeded ${CUSTOMERS} customers × ${CONTACTS} contacts × ${FOLLOW_UPS} follow-ups; reading over HTTP for ${duration} s per side`);

  const engine = await withApiProcess(database.url, jwtSecret, (api) => engineRun(api, token, clients, duration));
  log(`engine: ${engine.http.ok} answers in ${engine.http.seconds} s, ${engine.http.errors + engine.http.transportErrors} errors`);

  const baselineProcess = await startBaseline(database.url, engine.poolSize);
  let base: { http: LoadRun; statements: Record<string, number>; sample: unknown; cpuSeconds: number };
  try {
    await baselineProcess.measureStart();
    const sample = await answer(baselineProcess.url, token);
    const { statements } = await baselineProcess.measureStop();
    await load(baselineProcess.url, token, clients, WARM_UP_SECONDS);
    await baselineProcess.measureStart();
    const http = await load(baselineProcess.url, token, clients, duration);
    const { cpuSeconds } = await baselineProcess.measureStop();
    base = { http, statements, sample, cpuSeconds };
  } finally {
    await baselineProcess.close();
  }
  log(`baseline: ${base.http.ok} answers in ${base.http.seconds} s, ${base.http.errors + base.http.transportErrors} errors`);

  const e = engine.http;
  // Statements: those of one request sent alone (see engineRun).
  const engineM = measurement(e.ok, e.seconds, engine.single, { latencyMs: { p50: e.p50, p99: e.p99 }, statementOps: 1 });
  const baselineM = measurement(base.http.ok, base.http.seconds, base.statements, { latencyMs: { p50: base.http.p50, p99: base.http.p99 }, statementOps: 1 });
  const share = engineM.rate / Math.max(baselineM.rate, 1e-9);
  const p99Times = e.p99 / Math.max(base.http.p99, 1e-9);
  const same = JSON.stringify(engine.sample) === JSON.stringify(base.sample);
  const apiCpuMs = (engine.measured.cpuSeconds * 1000) / Math.max(e.ok, 1);
  const baseCpuMs = (base.cpuSeconds * 1000) / Math.max(base.http.ok, 1);
  return {
    name: 'reads',
    unit: 'req/s',
    engine: engineM,
    baseline: baselineM,
    ratio: round(baselineM.rate / Math.max(engineM.rate, 1e-9), 2),
    apiRss: engine.rss,
    apiCpuSeconds: round(engine.measured.cpuSeconds, 2),
    checks: [
      check(
        'engine: no errors',
        e.errors === 0 && e.transportErrors === 0,
        `${e.errors} GraphQL/HTTP errors, ${e.transportErrors} transport errors${e.firstError ? `; first: ${e.firstError}` : ''}`,
      ),
      check(
        'baseline: no errors',
        base.http.errors === 0 && base.http.transportErrors === 0,
        `${base.http.errors} errors${base.http.firstError ? `; first: ${base.http.firstError}` : ''}`,
      ),
      check(
        'same JSON',
        same,
        same ? `both answer ${JSON.stringify(engine.sample).length} bytes alike` : `engine ${JSON.stringify(engine.sample).slice(0, 300)}`,
      ),
    ],
    parameters: { clients, duration, customers: CUSTOMERS, contacts: CONTACTS, followUps: FOLLOW_UPS, page: PAGE, latest: LATEST, dbPoolSize: engine.poolSize },
    notes: [
      `GraphQL at ${round(share * 100, 1)} % of the baseline's throughput (goal ≥ 50 %), p99 ${round(p99Times, 2)}× the baseline's (goal ≤ 3×)`,
      `CPU per answered request: API ${round(apiCpuMs, 2)} ms, baseline process ${round(baseCpuMs, 2)} ms (${round(apiCpuMs / Math.max(baseCpuMs, 1e-9), 2)}×; steadier than req/s on a shared machine); statements counted on one request sent alone`,
      `API RSS ${engine.rss.startMb} MB after start (goal < 250), peak ${engine.rss.peakMb} MB under the read load (goal < 300)`,
      `each side warmed up for ${WARM_UP_SECONDS} s first; the baseline uses a pool of ${engine.poolSize} like the API and checks only that a bearer token is present`,
    ],
  };
}

/** The nested customer list over GraphQL against hand-written SQL behind node:http. */
export const reads: Benchmark = {
  name: 'reads',
  summary: 'customers(first: 50) with custodian, contacts, 5 follow-ups as a MANAGER, C clients for D s vs node:http + postgres.js',
  run,
};
