/**
 * `sweep`: how fast the deadline sweeper (P2) expires N due protections, against hand-written
 * set-based SQL making the same change to a second, identical batch; then how late the
 * sweeper's own timer fires deadlines that fall due while it runs (lateness.ts).
 *
 * Engine: one API process runs `services.sweeper.sweepOnce()` until a call fires nothing. The
 * sweeper groups due rows by (machine version, state, deadline event), computes each group's
 * transition once, and fires a batch of up to 2,000 (SWEEP_BATCH) of the group's rows with one
 * statement: the rows locked (FOR UPDATE SKIP LOCKED), UPDATE … FROM, and the history rows
 * written by INSERT … SELECT. Baseline: batches of 5,000, each one statement — lock due rows
 * with SKIP LOCKED, UPDATE them to the pool with the snapshot changed by jsonb_set, and INSERT
 * their TERM_EXPIRED history rows with the columns and payload the engine writes.
 *
 * Lateness: M deadlines due over the next W seconds, fired by `services.sweeper.start(I)`;
 * p50/p99/max of (history created_at − dueAt) beside the bound I + the longest batch above.
 */
import { randomBytes } from 'node:crypto';
import type postgres from 'postgres';
import { analyze, insertCopies, protectedCustomer, userNamed, withSetupApp, type CopySpec } from './fixtures.js';
import { LATENESS_TAG, latenessPhase } from './lateness.js';
import {
  check,
  measurement,
  round,
  sampleRss,
  StatementCounter,
  timed,
  withApiProcess,
  withSqlClient,
  type Benchmark,
  type BenchContext,
  type BenchResult,
  type Check,
  type LatenessReport,
} from './lib.js';

const ENGINE_TAG = 'sweep-e';
const BASELINE_TAG = 'sweep-b';
const BASELINE_BATCH = 5_000;
/** Generous bounds: a sweep of 100,000 rows takes minutes, not an hour. */
const MAX_SECONDS = 3_600;

/**
 * The baseline's one statement per batch: due rows locked (SKIP LOCKED, oldest first), moved to
 * the pool (their department's, T2), their history rows written — in the engine's shape: payload
 * with dueAt, the changed derived columns as [before, after], and deadlineAt null — and their
 * former custodians told (CUSTODY_ENDED, as the engine's listeners do). Returns how many moved.
 */
async function expireBatch(sql: postgres.Sql, limit: number): Promise<number> {
  const now = new Date();
  const result = await sql.begin(
    (tx) => tx`
      with due as (
        select id, state, stage, custodian_id, deadline_at
        from customers
        where deadline_at <= ${now} and deadline_event = 'TERM_EXPIRED'
        order by deadline_at
        limit ${limit}
        for update skip locked
      ), moved as (
        update customers c
        set state = 'pool', stage = 'POOL', custodian_id = null,
          -- P2 releaseCustody and T5 clearTeam, as the engine's actions write them.
          snapshot = jsonb_set(jsonb_set(jsonb_set(c.snapshot, '{value}', '"pool"'), '{context,custodianId}', 'null'), '{context,collaborators}', '{}'),
          version = c.version + 1, deadline_at = null, deadline_event = null, updated_at = ${now},
          -- T2: back to the former custodian's department's pool (policy customer.returnTo DEPARTMENT_POOL).
          pool_id = coalesce(custodian_department_pool(due.custodian_id), c.pool_id)
        from due
        where c.id = due.id
        returning c.id, c.name, c.machine_version, due.state as from_state, due.stage as old_stage, due.custodian_id as old_custodian, due.deadline_at as due_at
      ), history as (
        insert into transitions (entity_type, entity_id, machine, machine_version, event, from_state, to_state, actor_id, reason, payload, created_at)
        select 'customer', id, 'customer', machine_version, 'TERM_EXPIRED', from_state, 'pool', null, null,
          jsonb_build_object(
            'dueAt', to_char(due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'changes', jsonb_build_object('stage', jsonb_build_array(old_stage, 'POOL'), 'custodianId', jsonb_build_array(old_custodian, null)),
            'deadlineAt', null),
          ${now}
        from moved
        returning id, entity_id
      ), told as (
        -- N1: the former custodian is told (CUSTODY_ENDED), as the engine's notification rule writes it.
        insert into notifications (recipient_id, kind, subject_type, subject_id, customer_id, transition_id, once_key, text_zh, text_en, created_at)
        select m.old_custodian, 'CUSTODY_ENDED', 'customer', m.id, m.id, h.id, null,
          '客户已回到公海：' || m.name || '（保护期已到）', 'Customer returned to the pool: ' || m.name || ' (term ended)', ${now}
        from history h join moved m on m.id = h.entity_id
        where m.old_custodian is not null
        on conflict do nothing
      )
      select count(*)::int as moved from moved`,
  );
  return result[0]?.moved ?? 0;
}

/** Runs `expireBatch` until a batch moves fewer than `limit` rows. */
async function baselineSweep(sql: postgres.Sql, count: number): Promise<number> {
  const maxBatches = Math.ceil(count / BASELINE_BATCH) + 2;
  let moved = 0;
  for (let batch = 0; batch < maxBatches; batch += 1) {
    const n = await expireBatch(sql, BASELINE_BATCH);
    moved += n;
    if (n < BASELINE_BATCH) break;
  }
  return moved;
}

/** Every row of a batch fired exactly once: N in the pool, N TERM_EXPIRED rows on N customers, none due. */
async function batchChecks(sql: postgres.Sql, side: string, tag: string, count: number): Promise<Check[]> {
  const like = `${tag}-%`;
  const [c] = await sql<{ pooled: number; due: number }[]>`
    select count(*) filter (where state = 'pool' and stage = 'POOL' and custodian_id is null)::int as pooled,
      count(*) filter (where deadline_at is not null)::int as due
    from customers where trade_name like ${like}`;
  const [t] = await sql<{ rows: number; customers: number }[]>`
    select count(*)::int as rows, count(distinct t.entity_id)::int as customers
    from transitions t join customers c on c.id = t.entity_id
    where c.trade_name like ${like} and t.event = 'TERM_EXPIRED'`;
  return [
    check(`${side}: all in the pool`, c?.pooled === count, `${c?.pooled ?? 0} of ${count} in the pool, custodian null`),
    check(`${side}: none still due`, c?.due === 0, `${c?.due ?? '?'} with a deadline left`),
    check(`${side}: fired once each`, t?.rows === count && t.customers === count, `${t?.rows ?? 0} TERM_EXPIRED rows on ${t?.customers ?? 0} customers`),
  ];
}

/** The baseline wrote what the engine writes: one shape of customer row and of history row over both batches. */
async function sameResult(sql: postgres.Sql): Promise<Check[]> {
  const [c] = await sql<{ shapes: number }[]>`
    select count(distinct jsonb_build_array(state, stage, custodian_id, pool_id, snapshot, version, machine_version, deadline_at, deadline_event))::int as shapes
    from customers where trade_name like ${ENGINE_TAG + '-%'} or trade_name like ${BASELINE_TAG + '-%'}`;
  const [t] = await sql<{ shapes: number; without: number }[]>`
    select count(distinct jsonb_build_array(t.entity_type, t.machine, t.machine_version, t.event, t.from_state, t.to_state, t.actor_id, t.reason,
        t.payload - 'dueAt'))::int as shapes,
      count(*) filter (where not t.payload ? 'dueAt')::int as without
    from transitions t join customers c on c.id = t.entity_id
    where (c.trade_name like ${ENGINE_TAG + '-%'} or c.trade_name like ${BASELINE_TAG + '-%'}) and t.event = 'TERM_EXPIRED'`;
  const [n] = await sql<{ engine: number; baseline: number; shapes: number }[]>`
    select count(*) filter (where c.trade_name like ${ENGINE_TAG + '-%'})::int as engine,
      count(*) filter (where c.trade_name like ${BASELINE_TAG + '-%'})::int as baseline,
      count(distinct jsonb_build_array(n.recipient_id is not null, n.kind, n.subject_type, n.transition_id is not null, regexp_replace(n.text_en, ': .*', ':')))::int as shapes
    from notifications n join customers c on c.id = n.customer_id
    where (c.trade_name like ${ENGINE_TAG + '-%'} or c.trade_name like ${BASELINE_TAG + '-%'}) and n.kind = 'CUSTODY_ENDED'`;
  return [
    check(
      'same notifications',
      n !== undefined && n.engine > 0 && n.engine === n.baseline && n.shapes === 1,
      `CUSTODY_ENDED: engine ${n?.engine ?? 0}, baseline ${n?.baseline ?? 0}, ${n?.shapes ?? 0} shape(s)`,
    ),
    check('same customer rows', c?.shapes === 1, `${c?.shapes ?? 0} distinct (state, stage, custodian, pool, snapshot, version, deadline) over both batches`),
    check(
      'same history rows',
      t?.shapes === 1 && t.without === 0,
      `${t?.shapes ?? 0} distinct history rows (payload without dueAt); ${t?.without ?? '?'} without dueAt`,
    ),
  ];
}

type Copy = Pick<CopySpec, 'templateId' | 'count' | 'custodianId' | 'createdById'>;

/** Seeds the engine batch and sweeps it through the API process; the outcome, what it cost, and checks. */
async function engineSide({ database, sql, log }: BenchContext, jwtSecret: string, copy: Copy) {
  const seeded = await timed(() => insertCopies(sql, { ...copy, tag: ENGINE_TAG, phoneDigit: 3, dueBefore: new Date() }));
  await analyze(sql);
  log(`seeded ${seeded.value} due protections in ${seeded.seconds.toFixed(1)} s; sweeping through the engine`);
  const engine = await withApiProcess(database.url, jwtSecret, async (api) => {
    const rss = sampleRss(api.pid);
    await api.measureStart();
    const outcome = await api.sweep({ maxRounds: 1_000, maxSeconds: MAX_SECONDS });
    const measured = await api.measureStop();
    return { outcome, measured, rss: rss.stop(), poolSize: api.poolSize, sweepBatchSize: api.sweepBatchSize };
  });
  const { outcome, measured } = engine;
  const b = measured.batches;
  log(
    `engine: ${outcome.fired} fired, ${outcome.failed} failed, ${outcome.seconds.toFixed(1)} s in ${outcome.rounds} sweepOnce calls; ` +
      `${b.calls} batches of up to ${engine.sweepBatchSize}, ${((b.seconds / Math.max(1, b.calls)) * 1000).toFixed(1)} ms each on average, longest ${(b.maxSeconds * 1000).toFixed(1)} ms`,
  );
  const checks: Check[] = [
    check('engine: fired every row', outcome.fired === copy.count && outcome.failed === 0, `fired ${outcome.fired}, failed ${outcome.failed}`),
    ...(await batchChecks(sql, 'engine', ENGINE_TAG, copy.count)),
  ];
  return { ...engine, seedSeconds: seeded.seconds, checks };
}

/** Seeds the identical baseline batch and sweeps it with set-based SQL; the time, statements and checks. */
async function baselineSide({ database, sql, log }: BenchContext, copy: Copy) {
  const reseeded = await timed(() => insertCopies(sql, { ...copy, tag: BASELINE_TAG, phoneDigit: 4, dueBefore: new Date() }));
  await analyze(sql);
  log(`seeded the identical baseline batch in ${reseeded.seconds.toFixed(1)} s; sweeping with set-based SQL`);
  const counter = new StatementCounter();
  const baseline = await withSqlClient(database.url, { counter }, (client) => timed(() => baselineSweep(client, copy.count)));
  log(`baseline: ${baseline.value} moved in ${baseline.seconds.toFixed(2)} s`);
  const checks = [
    check('baseline: moved every row', baseline.value === copy.count, `moved ${baseline.value}`),
    ...(await batchChecks(sql, 'baseline', BASELINE_TAG, copy.count)),
    ...(await sameResult(sql)),
  ];
  return { moved: baseline.value, seconds: baseline.seconds, statements: counter.byVerb(), checks };
}

async function run(context: BenchContext): Promise<BenchResult> {
  const { database, sql, options, log } = context;
  const count = options.count;
  const jwtSecret = randomBytes(32).toString('hex');
  const { template, salesId } = await withSetupApp(database.url, jwtSecret, async (app) => ({
    template: await protectedCustomer(app),
    salesId: (await userNamed(app, 'sales1')).id,
  }));
  const copy = { templateId: template.id, count, custodianId: salesId, createdById: salesId };

  const engine = await engineSide(context, jwtSecret, copy);
  const baseline = await baselineSide(context, copy);
  const checks = [...engine.checks, ...baseline.checks];
  let lateness: LatenessReport | undefined;
  if (options.latenessCount > 0) {
    const phase = await latenessPhase({
      database,
      sql,
      jwtSecret,
      copy,
      count: options.latenessCount,
      windowSeconds: options.latenessWindow,
      intervalSeconds: options.interval,
      throughputBatches: engine.measured.batches,
      log,
    });
    lateness = phase.report;
    checks.push(...(await batchChecks(sql, 'lateness', LATENESS_TAG, options.latenessCount)), ...phase.checks);
  }
  const { outcome } = engine;

  return {
    name: 'sweep',
    unit: 'rows/s',
    engine: measurement(outcome.fired, outcome.seconds, engine.measured.statements),
    baseline: measurement(baseline.moved, baseline.seconds, baseline.statements),
    ratio: round(outcome.seconds / baseline.seconds, 1),
    apiRss: engine.rss,
    apiCpuSeconds: round(engine.measured.cpuSeconds, 2),
    checks,
    parameters: {
      count,
      sweeperBatch: engine.sweepBatchSize,
      baselineBatch: BASELINE_BATCH,
      dbPoolSize: engine.poolSize,
      seedSeconds: round(engine.seedSeconds, 1),
      ...(lateness && { latenessCount: lateness.count, latenessWindow: lateness.windowSeconds, interval: lateness.intervalSeconds }),
    },
    notes: [
      'ratio = engine wall time ÷ baseline wall time for the same number of rows (> 1: the engine is slower)',
      'engine time includes the final sweepOnce call that finds nothing due',
      'the baseline batch is seeded after the engine run, so its table holds the engine batch too',
      ...(lateness
        ? [
            "lateness = history created_at (the engine's clock when the firing batch started) − dueAt, for deadlines fired by sweeper.start(interval); " +
              'bound = interval + the longest batch of the engine run',
            'sweepOnce loops until a pass fires nothing: while deadlines fall due faster than a pass takes, one sweep keeps firing them within ms; ' +
              'a deadline waits for the next tick (up to one interval) only when it falls due after a sweep ended, so p99/max vary with how the ticks fall',
          ]
        : []),
    ],
    ...(lateness && { lateness }),
  };
}

/** The deadline sweeper against set-based SQL, on N due protections each; then its timer's lateness. */
export const sweep: Benchmark = {
  name: 'sweep',
  summary:
    'deadline sweeper: N due protections expired by sweepOnce() vs set-based SQL (--count, BENCH_COUNT; default 100000); ' +
    "then the lateness of M deadlines due over W s fired by the sweeper's timer every I s (--lateness-count 5000, 0: skip; --lateness-window 10; --interval 1)",
  run,
};
