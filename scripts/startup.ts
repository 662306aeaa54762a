/**
 * `npm run bench:startup [-- --runs N]`: how long `node dist/src/main.js` takes on the embedded
 * database to a healthy /healthz, with an empty data directory (migrations + demo data) and with
 * the one that start left behind, and the process's RSS then; beside baselines measured in the same
 * run: a bare node:http server answering /healthz, and PGlite alone (same options, same migrations,
 * /healthz running `select 1`) on an empty directory (PGlite's own initdb) and on an existing one.
 *
 * Each sample is a fresh process on a fresh port; the figures are medians of N runs (default 5)
 * with their range, CPU is the process's user + system time until healthy. Linux only (/proc).
 * Writes bench/results/startup-<timestamp>.json. Not a test: nothing here asserts a speed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const dist = (path: string) => pathToFileURL(join(ROOT, 'dist', path)).href;

/** What one start measured. */
interface Sample {
  ms: number;
  cpuMs: number;
  /** RSS when /healthz first answered 200, and 2 s later. */
  rssMb: number;
  rssSettledMb: number;
  /** The app's own phases (its debug log), when it is the app. */
  phases?: Record<string, number>;
}

/** A program to start: argv for node and its environment. */
interface Subject {
  label: string;
  args: string[];
  env?: Record<string, string>;
}

const BARE_HTTP = `
import { createServer } from 'node:http';
createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404).end('{"status":"ok"}')).listen(Number(process.env.PORT), '127.0.0.1');`;

/** PGlite alone as the app opens it: the same options (and template), the same migrations, /healthz = select 1. */
const BARE_PGLITE = `
import { createServer } from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
const { createPglite, pgliteOptions } = await import(${JSON.stringify(dist('src/platform/db/pglite.js'))});
const { migrationsFolder } = await import(${JSON.stringify(dist('src/platform/db/paths.js'))});
const dir = process.env.DATA_DIR;
const pg = process.env.OWN_INITDB ? await PGlite.create(dir, pgliteOptions()) : await createPglite(dir);
await migrate(drizzle({ client: pg }), { migrationsFolder: migrationsFolder() });
createServer(async (req, res) => { await pg.query('select 1'); res.writeHead(200).end('{"status":"ok"}'); }).listen(Number(process.env.PORT), '127.0.0.1');`;

const inline = (code: string) => ['--input-type=module', '-e', code];

function procCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in clock ticks of 10 ms
}

function procRssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function healthy(port: number, child: ChildProcess, deadline: number): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before /healthz answered`);
    if (performance.now() > deadline) throw new Error('no healthy /healthz within 120 s');
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
}

/** The app's `app created` debug line carries its phases. */
function phasesFrom(output: string): Record<string, number> | undefined {
  for (const line of output.split('\n')) {
    if (!line.includes('"startupMs"')) continue;
    try {
      return (JSON.parse(line) as { startupMs: Record<string, number> }).startupMs;
    } catch {
      // not a log line
    }
  }
  return undefined;
}

let nextPort = 20_000 + (process.pid % 20_000);

/** Starts `subject` once, until healthy; then measures, stops it and waits for its exit. */
async function sample(subject: Subject, dataDir: string): Promise<Sample> {
  const port = nextPort++;
  const started = performance.now();
  const child = spawn(process.execPath, subject.args, {
    cwd: ROOT,
    env: { ...process.env, ...subject.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'debug' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  try {
    await healthy(port, child, started + 120_000);
    const ms = performance.now() - started;
    const pid = child.pid ?? 0;
    const cpuMs = procCpuMs(pid);
    const rssMb = procRssMb(pid);
    await sleep(2000);
    return { ms: Math.round(ms), cpuMs, rssMb, rssSettledMb: procRssMb(pid), phases: phasesFrom(output) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

interface Row {
  label: string;
  samples: Sample[];
}

/** One run of every subject: the app and PGlite alone each on an empty directory, then again on it. */
async function oneRound(rows: Map<string, Row>, log: (m: string) => void): Promise<void> {
  const app: Subject = { label: 'app', args: ['dist/src/main.js'] };
  const pglite: Subject = { label: 'PGlite alone', args: ['--liftoff-only', ...inline(BARE_PGLITE)] };
  const ownInitdb: Subject = { ...pglite, label: 'PGlite alone, own initdb (no template)', env: { OWN_INITDB: '1' } };
  const plan: Array<[Subject, string, 'empty' | 'existing' | 'none']> = [
    [{ label: 'node:http alone', args: inline(BARE_HTTP) }, 'bare', 'none'],
    [app, 'app', 'empty'],
    [app, 'app', 'existing'],
    [pglite, 'pglite', 'empty'],
    [pglite, 'pglite', 'existing'],
    [ownInitdb, 'initdb', 'empty'],
  ];
  const dirs = new Map<string, string>();
  try {
    for (const [subject, dirKey, state] of plan) {
      if (!dirs.has(dirKey)) dirs.set(dirKey, mkdtempSync(join(tmpdir(), `custodian-startup-${dirKey}-`)));
      const label = state === 'none' ? subject.label : `${subject.label}, ${state} data dir`;
      const s = await sample(subject, dirs.get(dirKey) ?? '');
      log(`${label}: ${s.ms} ms, CPU ${s.cpuMs} ms, RSS ${s.rssMb} → ${s.rssSettledMb} MB${s.phases ? ` ${JSON.stringify(s.phases)}` : ''}`);
      const row = rows.get(label) ?? { label, samples: [] };
      row.samples.push(s);
      rows.set(label, row);
    }
  } finally {
    for (const dir of dirs.values()) rmSync(dir, { recursive: true, force: true });
  }
}

function printTable(rows: Row[]): void {
  const stat = (xs: number[]) => `${median(xs)} (${Math.min(...xs)}–${Math.max(...xs)})`;
  const header = ['start', 'to healthy /healthz, ms', 'CPU until healthy, ms', 'RSS at healthy, MB', 'RSS 2 s later, MB'];
  const lines = rows.map((r) => [
    r.label,
    stat(r.samples.map((s) => s.ms)),
    stat(r.samples.map((s) => s.cpuMs)),
    stat(r.samples.map((s) => s.rssMb)),
    stat(r.samples.map((s) => s.rssSettledMb)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]?.length ?? 0)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(`\n${fmt(header)}\n${fmt(widths.map((w) => '-'.repeat(w)))}`);
  for (const l of lines) console.log(fmt(l));
  console.log('medians of the runs (min–max)');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number ≥ 1, got ${values.runs}`);
  const machine = { nproc: cpus().length, cpu: cpus()[0]?.model ?? '', node: process.version, loadAverage: loadavg().map((x) => Math.round(x * 100) / 100) };
  console.log(`startup: ${runs} runs on ${machine.nproc} cpus (load ${machine.loadAverage.join(' ')}), node ${machine.node}`);
  const rows = new Map<string, Row>();
  for (let i = 1; i <= runs; i++) await oneRound(rows, (m) => console.log(`[run ${i}] ${m}`));
  printTable([...rows.values()]);
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `startup-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ name: 'startup', machine, runs, loadAfter: loadavg(), rows: [...rows.values()] }, null, 2) + '\n');
  console.log(`→ ${file}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
