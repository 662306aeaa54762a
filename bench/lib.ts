/**
 * What every benchmark shares: the throw-away database, the API process (a child running
 * createApp) with RSS sampling and statement counting, timing, machine facts and result files.
 *
 * Statements are counted with postgres.js's `debug` hook, which sees every statement a client
 * sends, BEGIN, SAVEPOINT and COMMIT included (the drizzle logger sees only drizzle's own).
 * The API's client is reached through drizzle's `$client`; a baseline sets the hook on its own
 * client. Both are counted the same way, so their statements per operation compare.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { z } from 'zod';

const HERE = dirname(fileURLToPath(import.meta.url));

/** What `npm run bench` was asked for; each benchmark reads the sizes it needs. */
export interface BenchOptions {
  /** sweep: due deadlines per batch. */
  count: number;
  /** duplicates: customers generated (`--count`, default 1,000,000). */
  duplicatesCount: number;
  /** claims, reads: seconds per run. */
  duration: number;
  /** claims, reads: concurrent clients (claims: and salespeople). */
  clients: number;
  /** sweep, lateness phase: deadlines fired by the sweeper's timer (0: no lateness phase). */
  latenessCount: number;
  /** sweep, lateness phase: seconds over which those deadlines fall due. */
  latenessWindow: number;
  /** sweep, lateness phase: the sweeper's interval in seconds. */
  interval: number;
}

/** What a benchmark gets: its own database, a client on it, the sizes asked for. */
export interface BenchContext {
  database: BenchDatabase;
  /** One connection for seeding and checks. */
  sql: postgres.Sql;
  options: BenchOptions;
  log(message: string): void;
}

/** A benchmark: `npm run bench -- <name>`. */
export interface Benchmark {
  name: string;
  /** One line for `--help` and the summary. */
  summary: string;
  run(context: BenchContext): Promise<BenchResult>;
}

/** One side of a comparison: the engine (through the app) or the hand-written SQL. */
export interface Measurement {
  /** Operations done: rows fired (sweep), claims answered in time (claims). */
  operations: number;
  seconds: number;
  /** Operations per second. */
  rate: number;
  /** Statements sent, by first word (`select`, `begin`, `savepoint` …). */
  statements: Record<string, number>;
  statementsPerOp: number;
  /** `statements` per operation, by first word. */
  perOp: Record<string, number>;
  /** Latency percentiles per operation in ms, where one operation is one request. */
  latencyMs?: { p50: number; p95?: number; p99: number };
}

/** A correctness check on what a run left in the database. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * How late the sweeper's own timer fires deadlines: per deadline, when its TERM_EXPIRED row was
 * made (the engine's clock at the start of the batch) minus when it was due. The bound is the
 * issue's goal: one sweep interval plus the time of one batch.
 */
export interface LatenessReport {
  /** Deadlines seeded and fired. */
  count: number;
  fired: number;
  windowSeconds: number;
  intervalSeconds: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The longest batch (`fireDueBatch` call, up to `sweeperBatch` rows) of the throughput run, in ms. */
  batchMs: number;
  /** The throughput run's batch time on average: its batches' time ÷ their number. */
  batchMeanMs: number;
  /** intervalSeconds × 1000 + batchMs. */
  boundMs: number;
  /** From the timer's start until every deadline had fired. */
  waitSeconds: number;
  /** Batches the timer's sweeps ran, and the longest of them. */
  batches: number;
  maxBatchMs: number;
}

/** Resident memory of the API process during the measured run. */
export interface RssReport {
  /** When sampling started. */
  startMb: number;
  /** Highest sample during the run. */
  peakMb: number;
  samples: number;
  /** The kernel's high-water mark since the process started (VmHWM), start-up included. */
  lifetimePeakMb: number;
}

/** What a benchmark returns; written as JSON and printed in the summary. */
export interface BenchResult {
  name: string;
  /** The unit of `rate` in both measurements, e.g. `rows/s`. */
  unit: string;
  engine: Measurement;
  baseline: Measurement;
  /** Engine cost ÷ baseline cost per operation (time, i.e. baseline rate ÷ engine rate): > 1 means slower. */
  ratio: number;
  /** The API process (the engine side); the baseline runs in the benchmark process without it. */
  apiRss: RssReport;
  /** CPU seconds the API process spent during the engine run. */
  apiCpuSeconds: number;
  checks: Check[];
  /** Sizes and settings of the run (count, clients, pool size …). */
  parameters: Record<string, number | string>;
  notes: string[];
  /** sweep: deadlines fired by the sweeper's timer. */
  lateness?: LatenessReport;
}

// ------------------------------------------------------------------ database

/** The server the benchmarks create their database on; only that database is ever dropped. */
export function serverUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** A database created for one benchmark run. */
export interface BenchDatabase {
  name: string;
  url: string;
  /** Drops this database (and nothing else). */
  drop(): Promise<void>;
}

const OWN_DATABASE = /^custodian_bench_[a-z0-9_]+$/;

/** Creates `custodian_bench_<label>_<pid>_<random>` on the benchmark server. */
export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const base = serverUrl();
  const name = `custodian_bench_${label}_${process.pid}_${randomBytes(4).toString('hex')}`;
  if (!OWN_DATABASE.test(name)) throw new Error(`bad benchmark database name ${name}`);
  const admin = postgres(base, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async drop() {
      // BENCH_KEEP=1 keeps the database (e.g. to EXPLAIN the statements on its data); run.ts logs its name.
      if (dropped || process.env.BENCH_KEEP) return;
      dropped = true;
      const a = postgres(base, { max: 1, onnotice: () => undefined });
      try {
        await a.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

/** A postgres.js client for seeding, baselines and checks; `debug` counts its statements. */
export function sqlClient(url: string, options: { max?: number; counter?: StatementCounter } = {}): postgres.Sql {
  return postgres(url, {
    max: options.max ?? 1,
    onnotice: () => undefined,
    fetch_types: false,
    ...(options.counter && { debug: options.counter.hook }),
  });
}

/** Opens a client (see {@link sqlClient}), runs `fn` with it and ends it. */
export async function withSqlClient<T>(url: string, options: { max?: number; counter?: StatementCounter }, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = sqlClient(url, options);
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

// ------------------------------------------------------------------ statements

/** Counts statements by their first word; `hook` has the shape of postgres.js's `debug` option. */
export class StatementCounter {
  private readonly counts = new Map<string, number>();

  readonly hook = (_connection: number, query: string): void => {
    const verb = /^\s*([a-zA-Z]+)/.exec(query)?.[1]?.toLowerCase() ?? '?';
    this.counts.set(verb, (this.counts.get(verb) ?? 0) + 1);
  };

  reset(): void {
    this.counts.clear();
  }

  get total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }

  byVerb(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort((a, b) => b[1] - a[1]));
  }
}

function isPostgresClient(value: unknown): value is postgres.Sql {
  return typeof value === 'function' && 'options' in value && 'begin' in value && 'end' in value;
}

/** The postgres.js client under a drizzle database (drizzle's `$client`). */
export function postgresClientOf(db: object): postgres.Sql {
  const client: unknown = Reflect.get(db, '$client');
  if (!isPostgresClient(client)) throw new Error('the app does not run on postgres.js (benchmarks need a real PostgreSQL)');
  return client;
}

/**
 * Sets `counter` as the `debug` hook of a running client. postgres.js reads `options.debug`
 * on every statement it builds, so this takes effect at once; the returned function removes it.
 */
export function countStatements(client: postgres.Sql, counter: StatementCounter): () => void {
  const before = client.options.debug;
  client.options.debug = counter.hook;
  return () => {
    client.options.debug = before;
  };
}

/** Total of a by-verb count. */
export function totalOf(statements: Record<string, number>): number {
  return Object.values(statements).reduce((a, b) => a + b, 0);
}

// ------------------------------------------------------------------ timing and memory

/** Runs `fn` and returns its value with the elapsed wall time in seconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - started) / 1000 };
}

function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no ${field} for process ${pid}`);
  return Number(match[1]);
}

/**
 * Samples another process's resident memory from /proc (Linux) every `intervalMs`, from this
 * process, so the measured one does no work for it. `stop` returns the peak.
 */
export function sampleRss(pid: number, intervalMs = 50): { stop(): RssReport } {
  const start = procStatusKb(pid, 'VmRSS');
  let peak = start;
  let samples = 1;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, procStatusKb(pid, 'VmRSS'));
      samples += 1;
    } catch {
      // The process has gone; the summary says so through the checks.
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      let lifetime = peak;
      try {
        peak = Math.max(peak, procStatusKb(pid, 'VmRSS'));
        // The kernel updates VmHWM lazily: never report it below a sample.
        lifetime = Math.max(peak, procStatusKb(pid, 'VmHWM'));
      } catch {
        // gone: report what was sampled
      }
      const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;
      return { startMb: mb(start), peakMb: mb(peak), samples, lifetimePeakMb: mb(lifetime) };
    },
  };
}

// ------------------------------------------------------------------ the API process

/** Parent → API process. */
export const apiCommand = z.discriminatedUnion('cmd', [
  z.object({ cmd: z.literal('start'), databaseUrl: z.string(), jwtSecret: z.string() }),
  z.object({ cmd: z.literal('measureStart'), id: z.number() }),
  z.object({ cmd: z.literal('measureStop'), id: z.number() }),
  z.object({ cmd: z.literal('sweep'), id: z.number(), maxRounds: z.number(), maxSeconds: z.number() }),
  z.object({ cmd: z.literal('startSweeper'), id: z.number(), intervalMs: z.number() }),
  z.object({ cmd: z.literal('stopSweeper'), id: z.number() }),
  z.object({ cmd: z.literal('close'), id: z.number() }),
]);
/** A command to the API process. */
export type ApiCommand = z.infer<typeof apiCommand>;

const sweepOutcome = z.object({ rounds: z.number(), fired: z.number(), failed: z.number(), seconds: z.number() });
/** What `sweep` reports: calls of sweepOnce, deadlines fired and failed, wall time. */
export type SweepOutcome = z.infer<typeof sweepOutcome>;
const batchTimes = z.object({ calls: z.number(), fired: z.number(), seconds: z.number(), maxSeconds: z.number() });
/** The sweeper's batches (calls of `engine.fireDueBatch`): how many, rows fired, total and longest wall time. */
export type BatchTimes = z.infer<typeof batchTimes>;
const measureOutcome = z.object({ statements: z.record(z.string(), z.number()), cpuSeconds: z.number(), batches: batchTimes });
/** What `measureStop` reports: statements since `measureStart`, CPU seconds used, the sweeper's batches. */
export type MeasureOutcome = z.infer<typeof measureOutcome>;

/** API process → parent. */
export const apiReply = z.union([
  z.object({ type: z.literal('ready'), url: z.string(), poolSize: z.number(), sweepBatchSize: z.number() }),
  z.object({ type: z.literal('done'), id: z.number(), result: z.union([sweepOutcome, measureOutcome, z.null()]) }),
  z.object({ type: z.literal('failed'), id: z.number().nullable(), message: z.string() }),
]);
/** A message from the API process. */
export type ApiReply = z.infer<typeof apiReply>;

/** Rows per sweeper statement in the API process (createApp's `sweepBatchSize`, passed explicitly). */
export const SWEEP_BATCH = 2_000;

/** The app (createApp, listening on 127.0.0.1) in a process of its own. */
export interface ApiProcess {
  pid: number;
  /** The GraphQL URL. */
  url: string;
  /** postgres.js pool size of the app's database client (src/platform/db/client.ts). */
  poolSize: number;
  /** The app's `sweepBatchSize`. */
  sweepBatchSize: number;
  /** Starts counting statements and CPU. */
  measureStart(): Promise<void>;
  /** Stops counting; returns statements by verb and CPU seconds since measureStart. */
  measureStop(): Promise<MeasureOutcome>;
  /** `services.sweeper.sweepOnce()` until it fires nothing. */
  sweep(limits: { maxRounds: number; maxSeconds: number }): Promise<SweepOutcome>;
  /** `services.sweeper.start(intervalMs)`: the sweeper's own timer. */
  startSweeper(intervalMs: number): Promise<void>;
  /** `services.sweeper.stop()`: timer off, the running sweep finished. */
  stopSweeper(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Forks the API process — bench/api-process.ts compiled to dist/bench (`npm run bench` builds
 * it), run by plain node as `npm start` runs the server, so its CPU and RSS are the product's, not
 * a TypeScript loader's (with BENCH_CPU_PROF set, profiled) — and starts the app in it. A
 * separate process keeps the load generator off the API's event loop and lets its RSS be
 * measured alone.
 */
export async function startApiProcess(databaseUrl: string, jwtSecret: string): Promise<ApiProcess> {
  // BENCH_CPU_PROF=<dir>: the API process writes a V8 CPU profile there on exit (node --cpu-prof).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const compiled = join(HERE, '..', 'dist', 'bench', 'api-process.js');
  const flags = process.env.BENCH_API_FLAGS ? process.env.BENCH_API_FLAGS.split(' ') : [];
  const child = fork(compiled, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [...flags, ...profile] });
  const pending = new Map<number, { resolve: (v: ApiReply) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let exited = false;

  const ready = new Promise<{ url: string; poolSize: number; sweepBatchSize: number }>((resolve, reject) => {
    child.on('message', (raw: unknown) => {
      const parsed = apiReply.safeParse(raw);
      if (!parsed.success) return;
      const msg = parsed.data;
      if (msg.type === 'ready') {
        resolve(msg);
        return;
      }
      // A failure outside any command (start-up) fails the start; else the command waiting for it.
      if (msg.type === 'failed' && msg.id === null) {
        reject(new Error(`API process: ${msg.message}`));
        return;
      }
      if (msg.id === null) return;
      const waiter = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.type === 'failed') waiter?.reject(new Error(`API process: ${msg.message}`));
      else waiter?.resolve(msg);
    });
    child.once('exit', (code) => {
      exited = true;
      const err = new Error(`API process exited (code ${code ?? 'signal'})`);
      reject(err);
      for (const w of pending.values()) w.reject(err);
      pending.clear();
    });
  });

  const send = (command: ApiCommand) => {
    if (exited) throw new Error('API process has exited');
    child.send(command);
  };
  const call = async (make: (id: number) => ApiCommand): Promise<ApiReply> => {
    const id = nextId++;
    const reply = new Promise<ApiReply>((resolve, reject) => pending.set(id, { resolve, reject }));
    send(make(id));
    return reply;
  };
  const resultOf = <T>(reply: ApiReply, schema: z.ZodType<T>): T => {
    if (reply.type !== 'done') throw new Error('unexpected reply from the API process');
    return schema.parse(reply.result);
  };

  try {
    send({ cmd: 'start', databaseUrl, jwtSecret });
    const { url, poolSize, sweepBatchSize } = await ready;
    if (child.pid === undefined) throw new Error('API process has no pid');
    return {
      pid: child.pid,
      url,
      poolSize,
      sweepBatchSize,
      async measureStart() {
        await call((id) => ({ cmd: 'measureStart', id }));
      },
      async measureStop() {
        return resultOf(await call((id) => ({ cmd: 'measureStop', id })), measureOutcome);
      },
      async sweep({ maxRounds, maxSeconds }) {
        return resultOf(await call((id) => ({ cmd: 'sweep', id, maxRounds, maxSeconds })), sweepOutcome);
      },
      async startSweeper(intervalMs) {
        await call((id) => ({ cmd: 'startSweeper', id, intervalMs }));
      },
      async stopSweeper() {
        await call((id) => ({ cmd: 'stopSweeper', id }));
      },
      async close() {
        await stopChild(child, exited ? undefined : () => call((id) => ({ cmd: 'close', id })));
      },
    };
  } catch (err) {
    await stopChild(child, undefined);
    throw err;
  }
}

/** Starts the API process, runs `fn` with it and closes it, whatever happens. */
export async function withApiProcess<T>(databaseUrl: string, jwtSecret: string, fn: (api: ApiProcess) => Promise<T>): Promise<T> {
  const api = await startApiProcess(databaseUrl, jwtSecret);
  try {
    return await fn(api);
  } finally {
    await api.close();
  }
}

/** Asks the child to close (if it can still be asked), then kills it if it has not exited in 15 s. */
async function stopChild(child: ChildProcess, ask: (() => Promise<unknown>) | undefined): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  try {
    if (ask) await ask().catch(() => child.kill('SIGTERM'));
    else child.kill('SIGTERM');
    await gone;
  } finally {
    clearTimeout(timer);
  }
}

// ------------------------------------------------------------------ machine and results

/** The machine a run was measured on. */
export interface MachineInfo {
  nproc: number;
  cpu: string;
  memTotalGb: number;
  memFreeGb: number;
  loadAverage: number[];
  node: string;
  postgres: string;
  nodeEnv: string;
}

/** nproc, memory, load, Node and PostgreSQL versions (`select version()`). */
export async function machineInfo(sql: postgres.Sql): Promise<MachineInfo> {
  const [row] = await sql<{ version: string }[]>`select version() as version`;
  const gb = (b: number) => Math.round((b / 1024 ** 3) * 10) / 10;
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memTotalGb: gb(totalmem()),
    memFreeGb: gb(freemem()),
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    postgres: row?.version ?? 'unknown',
    nodeEnv: process.env.NODE_ENV ?? '(unset)',
  };
}

/** Writes bench/results/<name>-<timestamp>.json; returns its path. */
export function writeResult(result: BenchResult, machine: MachineInfo, startedAt: Date): string {
  const dir = join(HERE, 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const file = join(dir, `${result.name}-${stamp}.json`);
  writeFileSync(file, JSON.stringify({ ...result, startedAt: startedAt.toISOString(), machine }, null, 2) + '\n');
  return file;
}

/**
 * A measurement from a count of operations, their time and the statements they sent.
 * `statementOps` is what the statements are divided by when it differs from `operations`
 * (claims: statements cover the claims committed, the rate the claims answered in time).
 */
export function measurement(
  operations: number,
  seconds: number,
  statements: Record<string, number>,
  extra: { latencyMs?: Measurement['latencyMs']; statementOps?: number } = {},
): Measurement {
  const ops = Math.max(1, extra.statementOps ?? operations);
  return {
    operations,
    seconds: round(seconds, 3),
    rate: round(operations / Math.max(seconds, 1e-9), 1),
    statements,
    statementsPerOp: round(totalOf(statements) / ops, 4),
    perOp: Object.fromEntries(Object.entries(statements).map(([verb, n]) => [verb, round(n / ops, 4)])),
    ...(extra.latencyMs && { latencyMs: extra.latencyMs }),
  };
}

/** Rounds to `digits` decimals. */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** A check from a condition. */
export function check(name: string, ok: boolean, detail: string): Check {
  return { name, ok, detail };
}

/** Percentile (0–100) of unsorted samples, nearest rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? 0;
}
