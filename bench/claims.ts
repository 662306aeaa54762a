/**
 * `claims`: how many pool customers C salespeople claim per second through GraphQL over HTTP
 * (`claimCustomer`, P7), against the same row-locked change in hand-written SQL.
 *
 * Engine: the API process listens on 127.0.0.1; autocannon opens C connections, each signed in
 * as a different salesperson and working through a queue of customer ids of its own, for D
 * seconds. Baseline: C postgres.js connections for D seconds, each claim one transaction —
 * BEGIN; SELECT … FOR UPDATE; UPDATE customers (custodian, state, stage, snapshot, version,
 * deadline); INSERT the CLAIM history row; COMMIT — on other pool customers.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import autocannon, { type Client, type Instance, type RequestParams } from 'autocannon';
import type postgres from 'postgres';
import { analyze, idsOf, insertCopies, insertSalesUsers, poolCustomer, tokensFor, userNamed, withSetupApp, type BenchUser } from './fixtures.js';
import {
  check,
  measurement,
  percentile,
  round,
  sampleRss,
  StatementCounter,
  withApiProcess,
  withSqlClient,
  type ApiProcess,
  type Benchmark,
  type BenchContext,
  type BenchResult,
  type Check,
} from './lib.js';

const ENGINE_TAG = 'claim-e';
const BASELINE_TAG = 'claim-b';
const DAY = 86_400_000;
/** P2: the default policy's prospect term (P30D), which a claim starts. */
const PROSPECT_TERM_MS = 30 * DAY;
/**
 * Pool customers seeded per second of run, for each side. The BEFORE figures on 2 busy cores were
 * about 90 claims/s (engine) and 370 (baseline); the margin leaves room for a faster engine and an
 * idle machine. A queue that runs dry fails a check that says to raise this.
 */
const SEED_PER_SECOND = 2_500;
const CLAIM = 'mutation Claim($id: ID!) { claimCustomer(id: $id) { id state } }';
/** A request that changes nothing, sent only if a client's queue runs dry before the end. */
const IDLE = JSON.stringify({ query: '{ __typename }' });

interface ClientState {
  token: string;
  queue: string[];
  next: number;
  /** The id of the request in flight (pipelining 1), null for an idle request. */
  current: string | null;
  ok: number;
  errors: number;
}

/** What the autocannon run saw. */
interface HttpRun {
  answered: number;
  errors: number;
  firstError: string | null;
  exhausted: boolean;
  seconds: number;
  p50: number;
  p99: number;
  transportErrors: number;
}

/** C connections, each its own salesperson and queue, claiming through GraphQL for `duration` s. */
async function claimOverHttp(url: string, tokens: readonly string[], queues: readonly string[][], duration: number): Promise<HttpRun> {
  const { pathname } = new URL(url);
  const clients: ClientState[] = tokens.map((token, k) => ({ token, queue: queues[k] ?? [], next: 0, current: null, ok: 0, errors: 0 }));
  let firstError: string | null = null;
  let exhausted = false;
  let instance: Instance | undefined;
  let connected = 0;

  const setupClient = (client: Client) => {
    const state = clients[connected++ % clients.length];
    if (!state) throw new Error('no client state');
    const setupRequest = (request: RequestParams): RequestParams => {
      const id = state.queue[state.next++];
      state.current = id ?? null;
      if (id === undefined && !exhausted) {
        exhausted = true;
        instance?.stop();
      }
      return { ...request, body: id === undefined ? IDLE : JSON.stringify({ query: CLAIM, variables: { id } }) };
    };
    const onResponse = (status: number, body: string) => {
      const id = state.current;
      if (id === null) return;
      if (status === 200 && body.startsWith(`{"data":{"claimCustomer":{"id":"${id}"`) && !body.includes('"errors"')) state.ok += 1;
      else {
        state.errors += 1;
        firstError ??= `HTTP ${status}: ${body.slice(0, 300)}`;
      }
    };
    client.setRequests([
      {
        method: 'POST',
        path: pathname,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${state.token}` },
        setupRequest,
        onResponse,
      },
    ]);
  };

  instance = autocannon({ url, connections: clients.length, duration, timeout: 30, pipelining: 1, setupClient });
  const result = await instance;
  return {
    answered: clients.reduce((n, c) => n + c.ok, 0),
    errors: clients.reduce((n, c) => n + c.errors, 0),
    firstError,
    exhausted,
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    transportErrors: result.errors + result.timeouts + result.non2xx,
  };
}

/** Waits (at most 10 s) until no claim has been committed for 300 ms: requests cut off by the end of the run finish. */
async function settle(sql: postgres.Sql): Promise<void> {
  let last = -1;
  for (let i = 0; i < 34; i += 1) {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from transitions where event = 'CLAIM'`;
    if (row?.n === last) return;
    last = row?.n ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** The engine run: statements, CPU and RSS of the API process around the autocannon run. */
async function engineRun(api: ApiProcess, sql: postgres.Sql, tokens: readonly string[], queues: readonly string[][], duration: number) {
  const rss = sampleRss(api.pid);
  await api.measureStart();
  const http = await claimOverHttp(api.url, tokens, queues, duration);
  await settle(sql);
  const measured = await api.measureStop();
  return { http, measured, rss: rss.stop(), poolSize: api.poolSize };
}

/** What the baseline's workers did. */
interface SqlRun {
  claimed: number;
  errors: number;
  firstError: string | null;
  exhausted: boolean;
  seconds: number;
  latencies: number[];
}

/** One claim in hand-written SQL: lock, check it is in the pool, update, history row. */
async function claimInSql(sql: postgres.Sql, id: string, actorId: string): Promise<void> {
  await sql.begin(async (tx) => {
    const [row] = await tx<{ state: string; stage: string; machine_version: number }[]>`
      select state, stage, machine_version from customers where id = ${id} for update`;
    if (row?.state !== 'pool') throw new Error(`customer ${id} is not in the pool`);
    const now = new Date();
    const deadline = new Date(now.getTime() + PROSPECT_TERM_MS);
    await tx`
      update customers
      set custodian_id = ${actorId}, state = 'prospect.protected', stage = 'PROSPECT',
        snapshot = jsonb_set(jsonb_set(snapshot, '{value}', '{"prospect":"protected"}'), '{context,custodianId}', to_jsonb(${actorId}::text)),
        version = version + 1, deadline_at = ${deadline}, deadline_event = 'TERM_EXPIRED', updated_at = ${now}
      where id = ${id}`;
    const payload = { changes: { stage: [row.stage, 'PROSPECT'], custodianId: [null, actorId] }, deadlineAt: deadline.toISOString() };
    await tx`
      insert into transitions (entity_type, entity_id, machine, machine_version, event, from_state, to_state, actor_id, reason, payload, created_at)
      values ('customer', ${id}, 'customer', ${row.machine_version}, 'CLAIM', ${row.state}, 'prospect.protected', ${actorId}, null, ${tx.json(payload)}, ${now})`;
  });
}

/** C workers (one connection and salesperson each) claiming from one queue for `duration` s. */
async function claimInSqlFor(sql: postgres.Sql, people: readonly BenchUser[], queue: string[], duration: number): Promise<SqlRun> {
  const run: SqlRun = { claimed: 0, errors: 0, firstError: null, exhausted: false, seconds: 0, latencies: [] };
  const started = performance.now();
  const end = started + duration * 1000;
  const worker = async (person: BenchUser) => {
    while (performance.now() < end) {
      const id = queue.pop();
      if (id === undefined) {
        run.exhausted = true;
        return;
      }
      const t0 = performance.now();
      try {
        await claimInSql(sql, id, person.id);
        run.claimed += 1;
        run.latencies.push(performance.now() - t0);
      } catch (err) {
        run.errors += 1;
        run.firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(people.map(worker));
  run.seconds = (performance.now() - started) / 1000;
  return run;
}

/** No customer with two owners; one CLAIM row per claim, its actor the custodian. */
async function batchChecks(
  sql: postgres.Sql,
  side: string,
  tag: string,
  answered: number,
  maxInFlight: number,
): Promise<{ checks: Check[]; committed: number }> {
  const like = `${tag}-%`;
  const [t] = await sql<{ rows: number; customers: number; mismatched: number }[]>`
    select count(*)::int as rows, count(distinct t.entity_id)::int as customers,
      count(*) filter (where c.custodian_id is distinct from t.actor_id or c.state <> 'prospect.protected'
        or c.snapshot #>> '{context,custodianId}' is distinct from t.actor_id::text)::int as mismatched
    from transitions t join customers c on c.id = t.entity_id
    where c.trade_name like ${like} and t.event = 'CLAIM'`;
  const [c] = await sql<{ owned: number }[]>`select count(*)::int as owned from customers where trade_name like ${like} and custodian_id is not null`;
  const committed = t?.rows ?? 0;
  return {
    committed,
    checks: [
      check(
        `${side}: one owner each`,
        committed === t?.customers && t.mismatched === 0,
        `${committed} CLAIM rows on ${t?.customers ?? 0} customers; ${t?.mismatched ?? '?'} whose custodian is not the claimer`,
      ),
      check(`${side}: one history row per claim`, committed === c?.owned, `${committed} CLAIM rows, ${c?.owned ?? 0} customers with a custodian`),
      check(
        `${side}: answered claims committed`,
        committed >= answered && committed <= answered + maxInFlight,
        `${answered} answered, ${committed} committed (up to ${maxInFlight} may be cut off in flight at the end)`,
      ),
    ],
  };
}

/** The baseline wrote what the engine writes (apart from who claimed). */
async function sameResult(sql: postgres.Sql): Promise<Check> {
  const [row] = await sql<{ customers: number; history: number }[]>`
    select count(distinct jsonb_build_array(c.state, c.stage, c.version, c.machine_version, c.deadline_event, c.snapshot #- '{context,custodianId}'))::int as customers,
      count(distinct jsonb_build_array(t.entity_type, t.machine, t.machine_version, t.event, t.from_state, t.to_state, t.reason,
        (t.payload #- '{changes,custodianId}') - 'deadlineAt', t.payload #>> '{changes,custodianId,1}' = t.actor_id::text))::int as history
    from transitions t join customers c on c.id = t.entity_id
    where (c.trade_name like ${ENGINE_TAG + '-%'} or c.trade_name like ${BASELINE_TAG + '-%'}) and t.event = 'CLAIM'`;
  return check(
    'same rows as the engine',
    row?.customers === 1 && row.history === 1,
    `${row?.customers ?? 0} customer shapes, ${row?.history ?? 0} history shapes over both sides`,
  );
}

/** Splits ids round-robin into `n` queues. */
function deal(ids: readonly string[], n: number): string[][] {
  const queues: string[][] = Array.from({ length: n }, () => []);
  ids.forEach((id, i) => queues[i % n]?.push(id));
  return queues;
}

async function run({ database, sql, options, log }: BenchContext): Promise<BenchResult> {
  const { clients, duration } = options;
  const jwtSecret = randomBytes(32).toString('hex');
  const setup = await withSetupApp(database.url, jwtSecret, async (app) => {
    const template = await poolCustomer(app);
    const people = await insertSalesUsers(sql, clients);
    return { template, people, tokens: await tokensFor(app, people), creatorId: (await userNamed(app, 'sales1')).id };
  });
  const copy = { templateId: setup.template.id, custodianId: null, createdById: setup.creatorId };
  const engineCount = Math.ceil((duration * SEED_PER_SECOND) / clients) * clients;
  const baselineCount = duration * SEED_PER_SECOND;
  await insertCopies(sql, { ...copy, tag: ENGINE_TAG, phoneDigit: 1, count: engineCount });
  await insertCopies(sql, { ...copy, tag: BASELINE_TAG, phoneDigit: 2, count: baselineCount });
  await analyze(sql);
  log(`seeded ${clients} salespeople and ${engineCount} + ${baselineCount} pool customers; claiming over HTTP for ${duration} s`);

  const queues = deal(await idsOf(sql, ENGINE_TAG), clients);
  const engine = await withApiProcess(database.url, jwtSecret, (api) => engineRun(api, sql, setup.tokens, queues, duration));
  const { http } = engine;
  log(`engine: ${http.answered} claims answered in ${http.seconds} s, ${http.errors + http.transportErrors} errors`);
  const engineChecks = await batchChecks(sql, 'engine', ENGINE_TAG, http.answered, clients);

  log(`baseline: ${clients} postgres.js connections for ${duration} s`);
  const counter = new StatementCounter();
  const queue = (await idsOf(sql, BASELINE_TAG)).reverse();
  const baseline = await withSqlClient(database.url, { max: clients, counter }, (client) => claimInSqlFor(client, setup.people, queue, duration));
  log(`baseline: ${baseline.claimed} claims in ${baseline.seconds.toFixed(1)} s, ${baseline.errors} errors`);
  const baselineChecks = await batchChecks(sql, 'baseline', BASELINE_TAG, baseline.claimed, 0);

  const engineM = measurement(http.answered, http.seconds, engine.measured.statements, {
    latencyMs: { p50: http.p50, p99: http.p99 },
    statementOps: engineChecks.committed,
  });
  const baselineM = measurement(baseline.claimed, baseline.seconds, counter.byVerb(), {
    latencyMs: { p50: round(percentile(baseline.latencies, 50), 2), p99: round(percentile(baseline.latencies, 99), 2) },
  });
  return {
    name: 'claims',
    unit: 'claims/s',
    engine: engineM,
    baseline: baselineM,
    ratio: round(baselineM.rate / Math.max(engineM.rate, 1e-9), 1),
    apiRss: engine.rss,
    apiCpuSeconds: round(engine.measured.cpuSeconds, 2),
    checks: [
      check(
        'engine: no errors',
        http.errors === 0 && http.transportErrors === 0,
        `${http.errors} GraphQL/HTTP errors, ${http.transportErrors} transport errors${http.firstError ? `; first: ${http.firstError}` : ''}`,
      ),
      check(
        'engine: queues lasted',
        !http.exhausted,
        http.exhausted ? 'a client ran out of customers: raise SEED_PER_SECOND' : `${engineCount} customers for ${clients} clients`,
      ),
      ...engineChecks.checks,
      check('baseline: no errors', baseline.errors === 0, `${baseline.errors} errors${baseline.firstError ? `; first: ${baseline.firstError}` : ''}`),
      check('baseline: queue lasted', !baseline.exhausted, baseline.exhausted ? 'the queue ran out: raise SEED_PER_SECOND' : `${baselineCount} customers`),
      ...baselineChecks.checks,
      await sameResult(sql),
    ],
    parameters: {
      clients,
      duration,
      dbPoolSize: engine.poolSize,
      engineCustomers: engineCount,
      baselineCustomers: baselineCount,
      baselineConnections: clients,
    },
    notes: [
      'ratio = baseline claims/s ÷ engine claims/s, i.e. engine time per claim ÷ baseline time per claim (> 1: the engine is slower)',
      `the API's database pool has ${engine.poolSize} connections (src/platform/db/client.ts); the baseline uses ${clients}`,
      'engine latency is per HTTP request (autocannon, 2xx only); baseline latency is per claim transaction',
      'engine statements include the facts the rules read; the viewer behind a token comes from the per-process cache (VIEWER_CACHE_MS), looked up on a user’s first request',
    ],
  };
}

/** Claims over GraphQL against claims in hand-written SQL, C clients for D seconds each. */
export const claims: Benchmark = {
  name: 'claims',
  summary: 'claimCustomer over HTTP: C clients for D seconds (autocannon) vs row-locked SQL (--clients 32, --duration 15)',
  run,
};
