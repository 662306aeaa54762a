/**
 * The API process of a benchmark (forked by `startApiProcess` in lib.ts): one app instance
 * (createApp on the benchmark database, listening on 127.0.0.1, port chosen by the system, the
 * sweeper's timer off, SWEEP_BATCH rows per sweeper statement) that obeys the parent's commands
 * over IPC: count statements, sweep, start and stop the sweeper's timer, close. Every batch the
 * sweeper runs (a call of `engine.fireDueBatch`) is timed, and reported with the statements.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp, type App } from '../src/app.js';
import { limitHeapGrowth } from '../src/platform/heap.js';
import {
  apiCommand,
  countStatements,
  postgresClientOf,
  StatementCounter,
  SWEEP_BATCH,
  type ApiCommand,
  type ApiReply,
  type BatchTimes,
  type SweepOutcome,
} from './lib.js';

const counter = new StatementCounter();
const batches: BatchTimes = { calls: 0, fired: 0, seconds: 0, maxSeconds: 0 };
let app: App | undefined;
let stopCounting: (() => void) | undefined;
let cpuAtStart = process.cpuUsage();

/** Sends a message; resolves once it has been handed to the IPC channel. */
function reply(message: ApiReply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, undefined, () => resolve());
  });
}

/** sweepOnce() until a call fires nothing, within `maxRounds` calls and `maxSeconds`. */
async function sweepUntilDone(a: App, maxRounds: number, maxSeconds: number): Promise<SweepOutcome> {
  const started = performance.now();
  const outcome = { rounds: 0, fired: 0, failed: 0, seconds: 0 };
  while (outcome.rounds < maxRounds && performance.now() - started < maxSeconds * 1000) {
    const result = await a.services.sweeper.sweepOnce();
    outcome.rounds += 1;
    outcome.fired += result.fired;
    outcome.failed += result.failed;
    if (result.fired === 0) break;
  }
  outcome.seconds = (performance.now() - started) / 1000;
  return outcome;
}

/** Wraps the engine's `fireDueBatch` (what the sweeper calls once per batch) to time each call into `batches`. */
function timeBatches(a: App): void {
  const engine = a.services.engine;
  const fire = engine.fireDueBatch.bind(engine);
  engine.fireDueBatch = async (...args) => {
    const started = performance.now();
    const result = await fire(...args);
    const seconds = (performance.now() - started) / 1000;
    batches.calls += 1;
    batches.fired += result.fired;
    batches.seconds += seconds;
    batches.maxSeconds = Math.max(batches.maxSeconds, seconds);
    return result;
  };
}

/**
 * BENCH_HEAP_PROF=<dir>: a sampling heap profile of everything allocated between measureStart
 * and measureStop, collected objects included (node --heap-prof keeps only what is still live),
 * written there as a .heapprofile (open it in Chrome DevTools, Memory). With BENCH_HEAP_PROMOTED=1
 * it leaves out what a young-generation collection freed: what was promoted to the old generation.
 */
const heapProfileDir = process.env.BENCH_HEAP_PROF;
let heapSession: Session | undefined;

async function startHeapProfile(): Promise<void> {
  if (!heapProfileDir) return;
  heapSession ??= new Session();
  heapSession.connect();
  await heapSession.post('HeapProfiler.startSampling', {
    samplingInterval: 16_384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: !process.env.BENCH_HEAP_PROMOTED,
  });
}

async function stopHeapProfile(): Promise<void> {
  if (!heapSession) return;
  const { profile } = await heapSession.post('HeapProfiler.stopSampling');
  writeFileSync(join(heapProfileDir ?? '.', `Heap.${Date.now()}.${process.pid}.heapprofile`), JSON.stringify(profile));
  heapSession.disconnect();
}

async function handle(command: ApiCommand): Promise<void> {
  if (command.cmd === 'start') {
    // DB_POOL_SIZE in the environment sizes the API's pool as it would the server's.
    const dbPoolSize = process.env.DB_POOL_SIZE ? Number(process.env.DB_POOL_SIZE) : undefined;
    limitHeapGrowth(); // as main.ts does: the benchmark measures what `npm start` runs
    app = await createApp({ databaseUrl: command.databaseUrl, jwtSecret: command.jwtSecret, sweepIntervalMs: 0, sweepBatchSize: SWEEP_BATCH, dbPoolSize });
    timeBatches(app);
    const url = await app.listen(0, '127.0.0.1');
    await reply({ type: 'ready', url, poolSize: postgresClientOf(app.database.db).options.max, sweepBatchSize: SWEEP_BATCH });
    return;
  }
  const a = app;
  if (!a) throw new Error('the app has not started');
  switch (command.cmd) {
    case 'measureStart':
      counter.reset();
      Object.assign(batches, { calls: 0, fired: 0, seconds: 0, maxSeconds: 0 });
      stopCounting?.();
      stopCounting = countStatements(postgresClientOf(a.database.db), counter);
      cpuAtStart = process.cpuUsage();
      await startHeapProfile();
      await reply({ type: 'done', id: command.id, result: null });
      return;
    case 'measureStop': {
      const cpu = process.cpuUsage(cpuAtStart);
      await stopHeapProfile();
      if (process.env.BENCH_MEMORY) process.stderr.write(`[api] memory ${JSON.stringify(process.memoryUsage())}\n`);
      stopCounting?.();
      stopCounting = undefined;
      await reply({
        type: 'done',
        id: command.id,
        result: { statements: counter.byVerb(), cpuSeconds: (cpu.user + cpu.system) / 1e6, batches: { ...batches } },
      });
      return;
    }
    case 'sweep':
      await reply({ type: 'done', id: command.id, result: await sweepUntilDone(a, command.maxRounds, command.maxSeconds) });
      return;
    case 'startSweeper':
      a.services.sweeper.start(command.intervalMs);
      await reply({ type: 'done', id: command.id, result: null });
      return;
    case 'stopSweeper':
      await a.services.sweeper.stop();
      await reply({ type: 'done', id: command.id, result: null });
      return;
    case 'close':
      await a.close();
      app = undefined;
      await reply({ type: 'done', id: command.id, result: null });
      process.disconnect();
      return;
  }
}

process.on('message', (raw: unknown) => {
  const parsed = apiCommand.safeParse(raw);
  if (!parsed.success) {
    void reply({ type: 'failed', id: null, message: `unknown command ${JSON.stringify(raw)}` });
    return;
  }
  const command = parsed.data;
  handle(command).catch((err: unknown) => {
    void reply({
      type: 'failed',
      id: 'id' in command ? command.id : null,
      message: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
  });
});

// The parent is gone (finished or killed): close the app so the database can be dropped.
process.on('disconnect', () => {
  void (app?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});
