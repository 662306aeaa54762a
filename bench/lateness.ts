/**
 * The lateness phase of `sweep`: how late the sweeper's own timer fires deadlines, against the
 * issue's goal "p99 lateness of a deadline at most one sweep interval plus the batch time".
 *
 * An API process starts `services.sweeper.start(interval)`; M protected customers are seeded
 * with deadlines spread evenly over the next W seconds (starting LEAD_MS after seeding begins,
 * so every row is in the table before it falls due). Once all have fired, the timer is stopped
 * and each deadline's lateness is read from its history row: created_at (the engine's clock
 * when the batch that fired it started) minus payload.dueAt. The batch time of the bound is the
 * longest full batch of the throughput phase, measured in the API process around
 * `engine.fireDueBatch`. Nothing here asserts a speed: the comparison is a reported check.
 */
import type postgres from 'postgres';
import { insertCopies, type CopySpec } from './fixtures.js';
import { check, round, timed, withApiProcess, type BatchTimes, type BenchDatabase, type Check, type LatenessReport } from './lib.js';

/** Trade names of the lateness batch. */
export const LATENESS_TAG = 'sweep-l';
/** The first deadline falls due this long after seeding starts. */
const LEAD_MS = 2_000;
const SWEEP_BATCH_NOTE = 'batch of the throughput phase';
/** How often the parent looks whether every deadline has fired. */
const POLL_MS = 250;

/** What the phase needs: where, what to copy, and its sizes. */
export interface LatenessSpec {
  database: BenchDatabase;
  sql: postgres.Sql;
  jwtSecret: string;
  /** The template to copy (tag, phone digit, count and deadlines are set here). */
  copy: Pick<CopySpec, 'templateId' | 'custodianId' | 'createdById'>;
  count: number;
  windowSeconds: number;
  intervalSeconds: number;
  /** The sweeper's batches in the throughput phase: the bound's batch time. */
  throughputBatches: BatchTimes;
  log(message: string): void;
}

interface Percentiles {
  fired: number;
  p50: number;
  p99: number;
  max: number;
  min: number;
}

/** Lateness in ms of every TERM_EXPIRED history row of the batch: created_at − dueAt. */
async function latenessOf(sql: postgres.Sql): Promise<Percentiles> {
  const [row] = await sql<{ fired: number; p50: number | null; p99: number | null; max: number | null; min: number | null }[]>`
    select count(*)::int as fired,
      percentile_cont(0.5) within group (order by ms) as p50,
      percentile_cont(0.99) within group (order by ms) as p99,
      max(ms) as max, min(ms) as min
    from (
      select (extract(epoch from t.created_at - (t.payload->>'dueAt')::timestamptz) * 1000)::float8 as ms
      from transitions t join customers c on c.id = t.entity_id
      where c.trade_name like ${LATENESS_TAG + '-%'} and t.event = 'TERM_EXPIRED'
    ) l`;
  const n = (x: number | null | undefined) => Number(x ?? NaN);
  return { fired: row?.fired ?? 0, p50: n(row?.p50), p99: n(row?.p99), max: n(row?.max), min: n(row?.min) };
}

/** Polls until no customer of the batch still has a deadline, or `timeoutMs` passes; returns how many remain. */
async function waitUntilFired(sql: postgres.Sql, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await sql<{ due: number }[]>`
      select count(*)::int as due from customers where deadline_at is not null and trade_name like ${LATENESS_TAG + '-%'}`;
    const due = row?.due ?? 0;
    if (due === 0 || Date.now() > until) return due;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Seeds the batch with future deadlines under a running sweeper timer and waits for all of them. */
async function fireUnderTimer(spec: LatenessSpec) {
  const { sql, count, windowSeconds, intervalSeconds, log } = spec;
  return withApiProcess(spec.database.url, spec.jwtSecret, async (api) => {
    await api.measureStart();
    const timerStarted = Date.now();
    await api.startSweeper(Math.round(intervalSeconds * 1000));
    const from = new Date(Date.now() + LEAD_MS);
    const seeded = await timed(() => insertCopies(sql, { ...spec.copy, tag: LATENESS_TAG, phoneDigit: 5, count, dueWithin: { from, seconds: windowSeconds } }));
    const seededAt = Date.now();
    log(
      `lateness: seeded ${seeded.value} protections due over ${windowSeconds} s from ${LEAD_MS / 1000} s on in ${seeded.seconds.toFixed(2)} s; ` +
        `the sweeper's timer fires every ${intervalSeconds} s`,
    );
    const timeoutMs = LEAD_MS + windowSeconds * 1000 + Math.max(120_000, 30 * intervalSeconds * 1000);
    const left = await waitUntilFired(sql, timeoutMs);
    const waitSeconds = (Date.now() - timerStarted) / 1000;
    await api.stopSweeper();
    const measured = await api.measureStop();
    return { seeded: seeded.value, seedSeconds: seeded.seconds, seededBeforeDue: seededAt <= from.getTime(), left, waitSeconds, measured };
  });
}

/** Runs the phase: the report and its checks (that every row fired once is checked by the caller). */
export async function latenessPhase(spec: LatenessSpec): Promise<{ report: LatenessReport; checks: Check[] }> {
  const { count, windowSeconds, intervalSeconds, throughputBatches, log } = spec;
  const run = await fireUnderTimer(spec);
  const l = await latenessOf(spec.sql);
  const batches = run.measured.batches;
  const batchMs = throughputBatches.maxSeconds * 1000;
  const boundMs = intervalSeconds * 1000 + batchMs;
  const report: LatenessReport = {
    count,
    fired: l.fired,
    windowSeconds,
    intervalSeconds,
    p50Ms: round(l.p50, 1),
    p99Ms: round(l.p99, 1),
    maxMs: round(l.max, 1),
    batchMs: round(batchMs, 1),
    batchMeanMs: round((throughputBatches.seconds / Math.max(1, throughputBatches.calls)) * 1000, 1),
    boundMs: round(boundMs, 1),
    waitSeconds: round(run.waitSeconds, 2),
    batches: batches.calls,
    maxBatchMs: round(batches.maxSeconds * 1000, 1),
  };
  log(
    `lateness: ${l.fired} fired, all within ${run.waitSeconds.toFixed(1)} s of the timer's start (${batches.calls} batches, longest ${report.maxBatchMs} ms); ` +
      `p50 ${report.p50Ms} ms, p99 ${report.p99Ms} ms, max ${report.maxMs} ms; bound ${intervalSeconds * 1000} + ${report.batchMs} = ${report.boundMs} ms`,
  );
  const checks = [
    check(
      'lateness: seeded before the first deadline',
      run.seeded === count && run.seededBeforeDue,
      `${run.seeded} rows in ${Math.round(run.seedSeconds * 1000)} ms; the first due ${LEAD_MS} ms after seeding began`,
    ),
    check('lateness: all fired before the timeout', run.left === 0, `${run.left} still due after ${run.waitSeconds.toFixed(1)} s`),
    check('lateness: none fired early', l.min >= 0, `earliest firing ${round(l.min, 1)} ms after its deadline`),
    check(
      'lateness: p99 ≤ interval + batch time',
      l.p99 <= boundMs,
      `p99 ${report.p99Ms} ms; bound ${intervalSeconds * 1000} ms interval + ${report.batchMs} ms longest ${SWEEP_BATCH_NOTE} = ${report.boundMs} ms`,
    ),
  ];
  return { report, checks };
}
