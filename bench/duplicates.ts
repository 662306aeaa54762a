/**
 * `duplicates`: the duplicate check (`duplicateCheck`, E2) at N customers (default 1,000,000),
 * through GraphQL over HTTP, against the same search in hand-written SQL.
 *
 * Data: N customers made in SQL in bulk (duplicates-data.ts: registered names of region + trade
 * name + industry + form, keys as the app derives them, unique mobiles and landlines, a contact
 * for every tenth, each with the template's state, snapshot and history). Cases: two-character
 * keys (an equal key and a few hundred containing keys each), four-character keys, full
 * registered names, keywords found nowhere, customers' phones in another format, contacts'
 * mobiles and unknown phones. Engine: one client posting `duplicateCheck` to the API process,
 * one request at a time. Baseline: the same UNION ALL query, written here by hand, through
 * postgres.js on one connection. The two alternate case by case, so load on the shared machine
 * falls on both alike; one warm-up round first. Checks: both return the same customers in the
 * same order for every case; the hits are found; a sample of the generated keys are what the
 * app derives; the plan of each kind of case reads no table sequentially.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type postgres from 'postgres';
import { deriveTradeName } from '../src/customers/rules/e1-trade-name.js';
import { innerKeys } from '../src/customers/rules/e4-similar-keys.js';
import { normalizePhone, phoneKey } from '../src/customers/rules/e5-formats.js';
import { nameSearchText } from '../src/customers/customer.duplicates.js';
import { DEMO_PASSWORD } from '../src/demo/seed.js';
import { checkCases, insertCustomers, nameParts, type CheckCase } from './duplicates-data.js';
import { protectedCustomer, withSetupApp } from './fixtures.js';
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
  type Check,
} from './lib.js';

const QUERY = 'query($k: String, $p: String) { duplicateCheck(keyword: $k, phone: $p) { customerId } }';
/** Measured rounds over all cases (after one warm-up round). */
const ROUNDS = 3;
const PER_KIND = 40;
/** Connections loading the data and building its indexes at once (the machine has two cores or more). */
const LOAD_WORKERS = 2;

/** Escapes LIKE's wildcards. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
const pairs = (text: string) => [...text].map((c) => c + c).join('');

/** The duplicate check in hand-written SQL: one branch per index, UNION ALL, the best 20 read from customers. */
export function baselineQuery(c: CheckCase): { text: string; params: string[] } {
  const params: string[] = [];
  const $ = (value: string) => `$${params.push(value)}`;
  const keyword = c.keyword?.trim() ?? '';
  const key = keyword ? deriveTradeName(keyword) || keyword : '';
  const normalized = c.phone ? normalizePhone(c.phone) : null;
  const phone = normalized ? phoneKey(normalized) : null;
  const long = [...key].length >= 2;
  const inner = long ? innerKeys(key) : [];
  const branches: string[] = [];
  const row = 'customer_id, name, trade_name';
  if (keyword) {
    const k = $(key);
    const contains = long ? `trade_name like ${$(`%${literal(key)}%`)} and trade_name <> ${k}` : '';
    branches.push(
      `select ${row}, 3.0 as score from customer_names where trade_name = ${k}`,
      `select ${row}, 0.8 from customer_names where name_pairs ilike ${$(`%${literal(pairs(nameSearchText(keyword, key)))}%`)} and name ilike ${$(`%${literal(keyword)}%`)}`,
    );
    if (/^[\p{L}\p{N}]{2}$/u.test(key)) {
      branches.push(
        `select ${row}, case when ${contains} then 2.0 else 0 end from customer_names where trade_name_pairs ilike ${$(`%${literal(pairs(key))}%`)} and ((${contains}) or similarity(trade_name, ${k}) > 0.3)`,
      );
    } else {
      branches.push(`select ${row}, 0 from customer_names where trade_name % ${k} and similarity(trade_name, ${k}) > 0.3`);
      if (long) branches.push(`select ${row}, 2.0 from customer_names where trade_name_pairs like ${$(`%${literal(pairs(key))}%`)} and ${contains}`);
    }
    if (inner.length > 0) branches.push(`select ${row}, 2.0 from customer_names where trade_name in (${inner.map($).join(', ')})`);
  }
  if (phone) {
    const ph = $(phone);
    const named = (ids: string) => `select customer_id, name, trade_name, 3.0 as score from customer_names where customer_id in (${ids})`;
    branches.push(
      named(`select id from customers where phone_key = ${ph}`),
      named(`select customer_id from contacts where mobile = ${ph}`),
      named(`select customer_id from contacts where regexp_replace(landline, '[^0-9]', '', 'g') = ${ph}`),
    );
  }
  const score = keyword
    ? `case when max(h.score) >= 1 then max(h.score)::real else greatest(max(h.score), similarity(h.trade_name, $1), similarity(h.name, ${$(keyword)})) end`
    : 'max(h.score)';
  const text = `select c.*, u.display_name as custodian_name
    from (select h.customer_id, ${score} as score
      from (${branches.join(' union all ')}) h
      group by h.customer_id, h.name, h.trade_name order by score desc, h.name, h.customer_id limit 20) ranked
    join customers c on c.id = ranked.customer_id left join users u on u.id = c.custodian_id
    order by ranked.score desc, c.name, c.id`;
  return { text, params };
}

/** The baseline's answer through postgres.js: customer ids in order. */
async function baselineCheck(sql: postgres.Sql, c: CheckCase): Promise<string[]> {
  const { text, params } = baselineQuery(c);
  return (await sql.unsafe<{ id: string }[]>(text, params)).map((r) => r.id);
}

/** One duplicate check through GraphQL over HTTP: the customer ids in order. */
async function engineCheck(url: string, token: string, c: CheckCase): Promise<string[]> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY, variables: { k: c.keyword, p: c.phone } }),
  });
  const body = (await response.json()) as { data?: { duplicateCheck: { customerId: string }[] }; errors?: unknown[] };
  if (!body.data || body.errors) throw new Error(`duplicateCheck failed: ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
  return body.data.duplicateCheck.map((m) => m.customerId);
}

/** Latencies by kind and overall, for one side. */
interface Side {
  all: number[];
  byKind: Map<string, number[]>;
  seconds: number;
}

const newSide = (): Side => ({ all: [], byKind: new Map(), seconds: 0 });

async function timeInto<T>(side: Side, kind: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  side.all.push(ms);
  side.seconds += ms / 1000;
  side.byKind.set(kind, [...(side.byKind.get(kind) ?? []), ms]);
  return value;
}

const p = (xs: number[], q: number) => round(percentile(xs, q), 2);

/** Every case once per round on both sides, alternating; answers compared on the last round. */
async function measure(
  cases: readonly CheckCase[],
  engine: (c: CheckCase) => Promise<string[]>,
  baseline: (c: CheckCase) => Promise<string[]>,
  warmedUp: () => Promise<void>,
) {
  for (const c of cases) {
    await engine(c);
    await baseline(c);
  }
  await warmedUp();
  const e = newSide();
  const b = newSide();
  const differing: string[] = [];
  const empty: string[] = [];
  for (let round_ = 0; round_ < ROUNDS; round_ += 1) {
    for (const c of cases) {
      const got = await timeInto(e, c.kind, () => engine(c));
      const want = await timeInto(b, c.kind, () => baseline(c));
      if (round_ === ROUNDS - 1 && got.join() !== want.join()) differing.push(`${c.kind} ${c.keyword ?? c.phone}`);
      if (round_ === ROUNDS - 1 && !c.kind.includes('miss') && got.length === 0) empty.push(`${c.kind} ${c.keyword ?? c.phone}`);
    }
  }
  return { e, b, differing, empty };
}

/** EXPLAIN ANALYZE of the baseline's statement for the first case of each kind: which scans it makes. */
async function plans(sql: postgres.Sql, cases: readonly CheckCase[]): Promise<{ check: Check; plans: string[] }> {
  const found: string[] = [];
  const scans: string[] = [];
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.kind)) continue;
    seen.add(c.kind);
    const { text, params } = baselineQuery(c);
    const rows = await sql.unsafe<{ 'QUERY PLAN': string }[]>(`explain (analyze, costs off, timing off, summary on) ${text}`, params);
    const lines = rows.map((r) => r['QUERY PLAN']);
    const seq = lines.filter((l) => l.includes('Seq Scan'));
    scans.push(...seq.map((l) => `${c.kind}: ${l.trim()}`));
    found.push(
      `${c.kind} (${c.keyword ?? c.phone}): ${lines
        .map((l) => l.trim())
        .filter((l) => /Scan|Execution Time/.test(l))
        .join(' | ')}`,
    );
  }
  const ok = scans.length === 0;
  return {
    check: check('index-backed: no sequential scan', ok, ok ? `plans of ${seen.size} kinds of case use indexes only` : scans.slice(0, 4).join('; ')),
    plans: found,
  };
}

async function run({ database, sql, options, log }: BenchContext): Promise<BenchResult> {
  const count = options.duplicatesCount;
  const jwtSecret = randomBytes(32).toString('hex');
  const parts = nameParts();
  log(`${parts.pairs.length} two-character keys, ${parts.regions.length} regions, ${parts.industries.length} industries`);
  const started = performance.now();
  const setup = await withSetupApp(database.url, jwtSecret, async (app) => {
    const template = await protectedCustomer(app);
    await insertCustomers(app.database.db, parts, template.id, count, log, LOAD_WORKERS);
    const seconds = (performance.now() - started) / 1000;
    const cases = await checkCases(app.database.db, parts, count, PER_KIND);
    const token = (await app.services.users.login('sales1', DEMO_PASSWORD)).token;
    return { seconds, cases, token };
  });
  log(`generated ${count} customers in ${setup.seconds.toFixed(1)} s; ${setup.cases.length} cases × ${ROUNDS} rounds per side`);
  const [sample] = await sql<
    { n: number; names: number }[]
  >`select (select count(*)::int from customers) as n, (select count(*)::int from customer_names) as names`;
  const derived = await sql<{ name: string; trade_name: string }[]>`select name, trade_name from customers tablesample system (1) limit 2000`;
  const wrongKeys = derived.filter((r) => deriveTradeName(r.name) !== r.trade_name);

  const counter = new StatementCounter();
  const result = await withApiProcess(database.url, jwtSecret, (api) =>
    withSqlClient(database.url, { max: 1, counter }, async (client) => {
      const rss = sampleRss(api.pid);
      const m = await measure(
        setup.cases,
        (c) => engineCheck(api.url, setup.token, c),
        (c) => baselineCheck(client, c),
        async () => {
          await api.measureStart();
          counter.reset();
        },
      );
      const measured = await api.measureStop();
      const baselineStatements = counter.byVerb();
      const explained = await plans(client, setup.cases);
      return { ...m, measured, baselineStatements, rss: rss.stop(), explained };
    }),
  );
  const { e, b } = result;
  const perKind = [...e.byKind.keys()].map(
    (kind) =>
      `${kind}: engine p50 ${p(e.byKind.get(kind) ?? [], 50)} ms, p95 ${p(e.byKind.get(kind) ?? [], 95)} ms; baseline p50 ${p(b.byKind.get(kind) ?? [], 50)} ms, p95 ${p(b.byKind.get(kind) ?? [], 95)} ms`,
  );
  const engineM = measurement(e.all.length, e.seconds, result.measured.statements, { latencyMs: { p50: p(e.all, 50), p95: p(e.all, 95), p99: p(e.all, 99) } });
  const baselineM = measurement(b.all.length, b.seconds, result.baselineStatements, { latencyMs: { p50: p(b.all, 50), p95: p(b.all, 95), p99: p(b.all, 99) } });
  return {
    name: 'duplicates',
    unit: 'checks/s',
    engine: engineM,
    baseline: baselineM,
    ratio: round(baselineM.rate / Math.max(engineM.rate, 1e-9), 1),
    apiRss: result.rss,
    apiCpuSeconds: round(result.measured.cpuSeconds, 2),
    checks: [
      check(
        'generated',
        sample?.n === count + 1 && sample.names === sample.n,
        `${sample?.n ?? 0} customers (${count} generated + the template), ${sample?.names ?? 0} rows in customer_names`,
      ),
      check(
        'keys as the app derives them',
        wrongKeys.length === 0,
        `${derived.length} sampled, ${wrongKeys.length} differ${wrongKeys[0] ? `: ${wrongKeys[0].name} → ${deriveTradeName(wrongKeys[0].name)}, stored ${wrongKeys[0].trade_name}` : ''}`,
      ),
      check(
        'same answers as the baseline',
        result.differing.length === 0,
        result.differing.length === 0 ? `${setup.cases.length} cases` : result.differing.slice(0, 5).join('; '),
      ),
      result.explained.check,
      check(
        'hits found',
        result.empty.length === 0,
        result.empty.length === 0 ? 'every case but the misses found something' : result.empty.slice(0, 5).join('; '),
      ),
    ],
    parameters: { count, cases: setup.cases.length, rounds: ROUNDS, generateSeconds: round(setup.seconds, 1) },
    notes: [
      `p95 goal < 20 ms at 1,000,000: engine p95 ${p(e.all, 95)} ms (${p(e.all, 95) < 20 ? 'met' : 'not met'}) at ${count.toLocaleString('en-US')}`,
      `generated ${count.toLocaleString('en-US')} customers in ${setup.seconds.toFixed(1)} s (INSERT … SELECT from generate_series, secondary indexes built after)`,
      ...perKind,
      ...result.explained.plans.map((line) => `plan: ${line}`),
      'engine latency is per HTTP request, one at a time; baseline latency is per statement through postgres.js; ratio = engine time per check ÷ baseline time per check',
    ],
  };
}

/** The duplicate check over GraphQL against the same UNION ALL query in hand-written SQL, at N customers. */
export const duplicates: Benchmark = {
  name: 'duplicates',
  summary: 'duplicateCheck over HTTP at N customers made in bulk (--count, default 1,000,000) vs its UNION ALL query in SQL',
  run,
};
