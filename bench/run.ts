/**
 * `npm run bench [-- <name>…] [--count N] [--duration S] [--clients C] [--lateness-count M]
 * [--lateness-window W] [--interval I]`: runs the named
 * benchmarks (all by default) in order, each in a database of its own on the PostgreSQL at
 * BENCH_DATABASE_URL (else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres),
 * created for it and dropped after it. Prints each result beside its hand-written SQL baseline,
 * writes bench/results/<name>-<timestamp>.json and ends with a summary table. Then the two that
 * run on the embedded database, each as a program of its own (EMBEDDED below): the duplicate check
 * at 100,000 customers and the start. Exits 1 when a run fails or a check on its rows does not
 * hold. Not a test: nothing here asserts a speed.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { claims } from './claims.js';
import { duplicates } from './duplicates.js';
import { reads } from './reads.js';
import { reports } from './reports.js';
import { createBenchDatabase, machineInfo, sqlClient, writeResult, type Benchmark, type BenchDatabase, type BenchOptions, type BenchResult } from './lib.js';
import { sweep } from './sweep.js';

const BENCHMARKS: readonly Benchmark[] = [sweep, claims, reads, duplicates, reports];

/** A benchmark on the embedded database: a program run in a process of its own, printing its own comparison. */
interface Embedded {
  name: string;
  summary: string;
  /** argv for node, from the repository's root; each in turn, stopping at the first that fails. */
  steps: string[][];
}

const TSX = ['--import', 'tsx'];
const EMBEDDED: readonly Embedded[] = [
  {
    name: 'embedded',
    summary: 'duplicateCheck at 100,000 customers on PGlite, in process, beside the same statement by hand (bench/duplicates-embedded.ts)',
    steps: [[...TSX, 'bench/duplicates-embedded.ts', '--count', '100000']],
  },
  {
    name: 'startup',
    summary: 'node dist/src/main.js to a healthy /healthz, empty and existing data directory, beside bare node:http and PGlite alone (scripts/startup.ts)',
    steps: [['scripts/prestart.mjs'], [...TSX, 'scripts/startup.ts', '--runs', '3']],
  },
];

const USAGE = `usage: npm run bench [-- <name>…] [--count N] [--duration S] [--clients C] [--lateness-count M] [--lateness-window W] [--interval I]
${[...BENCHMARKS, ...EMBEDDED].map((b) => `  ${b.name.padEnd(9)} ${b.summary}`).join('\n')}`;

/** Runs an embedded benchmark's steps with this process's output; its failure, if any. */
function runEmbedded(benchmark: Embedded): string | undefined {
  const root = fileURLToPath(new URL('..', import.meta.url));
  console.log(`\n== ${benchmark.name} (embedded database, its own process)`);
  for (const args of benchmark.steps) {
    const { status, signal } = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
    if (status !== 0) return `${benchmark.name}: node ${args.join(' ')} ended with ${signal ?? `exit code ${status}`}`;
  }
  return undefined;
}

function positiveInt(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${value}\n${USAGE}`);
  return n;
}

/** Seconds, fractions allowed. */
function positiveSeconds(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number of seconds, got ${value}\n${USAGE}`);
  return n;
}

function parse(argv: string[]): { benchmarks: Benchmark[]; embedded: Embedded[]; options: BenchOptions } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      count: { type: 'string' },
      duration: { type: 'string' },
      clients: { type: 'string' },
      'lateness-count': { type: 'string' },
      'lateness-window': { type: 'string' },
      interval: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  for (const name of positionals) if (![...BENCHMARKS, ...EMBEDDED].some((b) => b.name === name)) fail(name);
  const chosen = <T extends { name: string }>(all: readonly T[]) => (positionals.length === 0 ? [...all] : all.filter((b) => positionals.includes(b.name)));
  const benchmarks = chosen(BENCHMARKS);
  const embedded = chosen(EMBEDDED);
  const options = {
    count: positiveInt('count', values.count ?? process.env.BENCH_COUNT, 100_000),
    duplicatesCount: positiveInt('count', values.count ?? process.env.BENCH_COUNT, 1_000_000),
    duration: positiveInt('duration', values.duration, 15),
    clients: positiveInt('clients', values.clients, 32),
    latenessCount: positiveInt('lateness-count', values['lateness-count'], 5_000, 0),
    latenessWindow: positiveSeconds('lateness-window', values['lateness-window'], 10),
    interval: positiveSeconds('interval', values.interval, 1),
  };
  return { benchmarks, embedded, options };
}

function fail(name: string): never {
  throw new Error(`unknown benchmark ${name}\n${USAGE}`);
}

const num = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: Math.abs(x) < 0.1 ? 4 : 2 });
const verbs = (perOp: Record<string, number>) =>
  Object.entries(perOp)
    .map(([verb, n]) => `${verb} ${num(n)}`)
    .join(', ');

function print(r: BenchResult, file: string): void {
  const row = (label: string, m: BenchResult['engine']) =>
    `  ${label} ${num(m.rate).padStart(10)} ${r.unit}  ${num(m.operations)} in ${num(m.seconds)} s` +
    `${m.latencyMs ? `  p50 ${num(m.latencyMs.p50)} ms,${m.latencyMs.p95 === undefined ? '' : ` p95 ${num(m.latencyMs.p95)} ms,`} p99 ${num(m.latencyMs.p99)} ms` : ''}` +
    `  statements/op ${num(m.statementsPerOp)} (${verbs(m.perOp)})`;
  console.log(
    `\n${r.name}: ${Object.entries(r.parameters)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  console.log(row('engine  ', r.engine));
  console.log(row('baseline', r.baseline));
  console.log(`  ratio    ${num(r.ratio)}× (engine cost per operation ÷ baseline's)`);
  console.log(
    `  API process: RSS ${num(r.apiRss.startMb)} MB at start, peak ${num(r.apiRss.peakMb)} MB (${r.apiRss.samples} samples); CPU ${num(r.apiCpuSeconds)} s`,
  );
  const l = r.lateness;
  if (l) {
    console.log(
      `  lateness p50 ${num(l.p50Ms)} ms, p99 ${num(l.p99Ms)} ms, max ${num(l.maxMs)} ms  ${num(l.fired)} of ${num(l.count)} deadlines due over ${num(l.windowSeconds)} s, ` +
        `sweeper every ${num(l.intervalSeconds)} s; bound ${num(l.boundMs)} ms (interval + longest batch ${num(l.batchMs)} ms, mean ${num(l.batchMeanMs)} ms)`,
    );
  }
  for (const c of r.checks) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  for (const n of r.notes) console.log(`  note: ${n}`);
  console.log(`  → ${file}`);
}

function summary(results: readonly BenchResult[], embedded: readonly string[], failures: readonly string[]): void {
  const header = ['benchmark', 'engine', 'baseline', 'ratio', 'stmts/op', 'base stmts/op', 'API peak RSS', 'checks'];
  const rows = results.map((r) => [
    r.name,
    `${num(r.engine.rate)} ${r.unit}`,
    `${num(r.baseline.rate)} ${r.unit}`,
    `${num(r.ratio)}×`,
    num(r.engine.statementsPerOp),
    num(r.baseline.statementsPerOp),
    `${num(r.apiRss.peakMb)} MB`,
    r.checks.every((c) => c.ok) ? 'ok' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  if (rows.length > 0) console.log(`\n${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}`);
  for (const row of rows) console.log(line(row));
  for (const r of results) {
    const l = r.lateness;
    if (l) {
      const ok = l.p99Ms <= l.boundMs ? '≤' : '>';
      console.log(
        `note: ${r.name} lateness p50 ${num(l.p50Ms)} ms, p99 ${num(l.p99Ms)} ms ${ok} bound ${num(l.boundMs)} ms ` +
          `(interval ${num(l.intervalSeconds * 1000)} ms + batch ${num(l.batchMs)} ms), max ${num(l.maxMs)} ms`,
      );
    }
  }
  for (const name of embedded) console.log(`note: ${name} ran on the embedded database; its comparison is printed above, under "== ${name}"`);
  for (const f of failures) console.log(`FAILED ${f}`);
}

async function runOne(benchmark: Benchmark, options: BenchOptions, track: (db: BenchDatabase | undefined) => void): Promise<BenchResult> {
  const database = await createBenchDatabase(benchmark.name);
  track(database);
  const sql = sqlClient(database.url);
  try {
    const machine = await machineInfo(sql);
    const startedAt = new Date();
    console.log(
      `\n== ${benchmark.name} on ${database.name} (${machine.nproc} cpus, load ${machine.loadAverage.join(' ')}; ${machine.postgres.split(' on ')[0]})`,
    );
    const result = await benchmark.run({ database, sql, options, log: (m) => console.log(`[${benchmark.name}] ${m}`) });
    print(result, writeResult(result, machine, startedAt));
    return result;
  } finally {
    await sql.end({ timeout: 5 });
    await database.drop();
    track(undefined);
  }
}

async function main(): Promise<void> {
  const { benchmarks, embedded, options } = parse(process.argv.slice(2));
  let current: BenchDatabase | undefined;
  process.once('SIGINT', () => {
    console.error('\ninterrupted: dropping the benchmark database');
    void (current?.drop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
  const results: BenchResult[] = [];
  const failures: string[] = [];
  for (const benchmark of benchmarks) {
    try {
      results.push(await runOne(benchmark, options, (db) => (current = db)));
    } catch (err) {
      failures.push(`${benchmark.name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  for (const benchmark of embedded) {
    const failure = runEmbedded(benchmark);
    if (failure) failures.push(failure);
  }
  summary(
    results,
    embedded.map((b) => b.name),
    failures,
  );
  if (failures.length > 0 || results.some((r) => r.checks.some((c) => !c.ok))) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
