/**
 * Deadlines across API processes (P2), on a real PostgreSQL: each of 3,000 due protections
 * expires exactly once when two API processes sweep one database, and none is lost or fired
 * twice when the process sweeping is killed with SIGKILL at a random moment in the sweep and a
 * fresh one takes over. The processes are real ones (test/support/sweeper-process.ts: createApp
 * with the sweeper on its own timer and the real clock), so a kill leaves what a crash leaves:
 * open transactions cut off, row locks held until PostgreSQL sees the connection gone.
 *
 * The due customers are copies of one protected customer made through the services (bench's
 * fixtures, as the sweep benchmark seeds them), each with a copy of its history, so that after
 * the sweep the history alone must still explain every row (P10). Everything is checked in the
 * database; nothing here measures speed. PostgreSQL only: PGlite is one process's memory.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze, insertCopies, protectedCustomer, userNamed, withSetupApp } from '../../../bench/fixtures.js';
import { createTestDatabase, onPostgres, TEST_JWT_SECRET } from '../../support/app.js';
import type { StartCommand, SweeperMessage } from '../../support/sweeper-process.js';

/** Due deadlines per scenario, and rows per sweeper statement: a sweep is 60 statements, so a kill lands mid-sweep. */
const N = 3_000;
const SWEEP_BATCH = 50;
const SWEEP_INTERVAL_MS = 100;
/** How long a sweep may take before the test gives up waiting (generous: this is not a speed test). */
const SWEPT_WITHIN_MS = 120_000;
const STALLED_MS = 20_000;
const TEST_TIMEOUT = 240_000;
const PROCESS_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '../../support/sweeper-process.ts');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A forked API process and what it reported. */
interface ApiProcess {
  name: string;
  child: ChildProcess;
  /** Deadlines it logged as fired (a killed process never logs its last sweep): for the record only. */
  fired: number;
  /** Its error-level log records (a deadline that could not fire, a sweep that failed). */
  errors: string[];
  exited: Promise<void>;
}

const alive = new Set<ApiProcess>();

function recordLog(p: ApiProcess, line: string): void {
  const record = JSON.parse(line) as { level?: number; msg?: string; fired?: unknown; err?: { message?: string } };
  if (typeof record.fired === 'number') p.fired += record.fired;
  if ((record.level ?? 0) >= 50) p.errors.push(`${record.msg ?? ''}: ${record.err?.message ?? ''}`);
}

/** Resolves on the process's `type` message; rejects if it fails or exits first. */
function expectMessage(p: ApiProcess, type: 'loaded' | 'ready'): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: SweeperMessage) => {
      if (m.type === type) settle(resolve);
      else if (m.type === 'failed') settle(() => reject(new Error(`${p.name}: ${m.message}`)));
    };
    const onExit = (code: number | null, signal: string | null) => settle(() => reject(new Error(`${p.name} exited (${signal ?? code}) before '${type}'`)));
    const settle = (then: () => void) => {
      p.child.off('message', onMessage);
      p.child.off('exit', onExit);
      then();
    };
    p.child.on('message', onMessage);
    p.child.on('exit', onExit);
  });
}

/** Forks an API process (tsx loader) and waits until it has loaded the app's code. */
async function forkApi(name: string): Promise<ApiProcess> {
  const child = fork(PROCESS_SCRIPT, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const p: ApiProcess = { name, child, fired: 0, errors: [], exited: new Promise((resolve) => child.once('exit', () => resolve())) };
  alive.add(p);
  void p.exited.then(() => alive.delete(p));
  child.on('message', (m: SweeperMessage) => {
    if (m.type === 'log') recordLog(p, m.line);
  });
  await expectMessage(p, 'loaded');
  return p;
}

/** createApp in the process, its sweeper on a short timer: it sweeps at once, then every interval. */
async function startApi(p: ApiProcess, databaseUrl: string): Promise<void> {
  const ready = expectMessage(p, 'ready');
  const command: StartCommand = { cmd: 'start', databaseUrl, jwtSecret: TEST_JWT_SECRET, sweepIntervalMs: SWEEP_INTERVAL_MS, sweepBatchSize: SWEEP_BATCH };
  p.child.send(command);
  await ready;
}

/** Lets the process close its app (a running sweep finishes) and exit; kills it if it takes over 20 s. */
async function stopApi(p: ApiProcess): Promise<void> {
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 20_000);
  if (p.child.connected) p.child.disconnect();
  await p.exited;
  clearTimeout(timer);
}

/** What a batch's rows and their history say, as counts of customers. */
interface Audit {
  customers: number;
  /** In the pool, stage POOL, no custodian, no deadline. */
  pooled: number;
  /** No TERM_EXPIRED in the history (still due, or lost). */
  unfired: number;
  fired_once: number;
  fired_twice_or_more: number;
  /** The version is not the number of history rows (P10). */
  version_off: number;
  /** The state is not where the last history row ended. */
  state_off: number;
  /** History rows that do not start where the previous one ended. */
  breaks: number;
  /** TERM_EXPIRED rows not from the system, or not prospect.protected → pool. */
  odd_expiries: number;
}

async function audit(sql: postgres.Sql, tag: string): Promise<Audit> {
  const [row] = await sql<Audit[]>`
    with batch as (
      select id, state, stage, custodian_id, version, deadline_at from customers where trade_name like ${tag + '-%'}
    ), history as (
      select t.entity_id, t.event, t.from_state, t.to_state, t.actor_id,
        lag(t.to_state) over (partition by t.entity_id order by t.id) as previous_to,
        row_number() over (partition by t.entity_id order by t.id desc) as from_last
      from transitions t where t.entity_id in (select id from batch)
    ), per_customer as (
      select entity_id, count(*)::int as entries, count(*) filter (where event = 'TERM_EXPIRED')::int as expired,
        count(*) filter (where event = 'TERM_EXPIRED' and (actor_id is not null or from_state <> 'prospect.protected' or to_state <> 'pool'))::int as odd,
        count(*) filter (where previous_to is not null and previous_to is distinct from from_state)::int as breaks,
        max(to_state) filter (where from_last = 1) as last_to
      from history group by entity_id
    )
    select count(*)::int as customers,
      count(*) filter (where b.state = 'pool' and b.stage = 'POOL' and b.custodian_id is null and b.deadline_at is null)::int as pooled,
      count(*) filter (where coalesce(p.expired, 0) = 0)::int as unfired,
      count(*) filter (where p.expired = 1)::int as fired_once,
      count(*) filter (where p.expired > 1)::int as fired_twice_or_more,
      count(*) filter (where b.version <> coalesce(p.entries, 0))::int as version_off,
      count(*) filter (where p.last_to is distinct from b.state)::int as state_off,
      coalesce(sum(p.breaks), 0)::int as breaks, coalesce(sum(p.odd), 0)::int as odd_expiries
    from batch b left join per_customer p on p.entity_id = b.id`;
  if (!row) throw new Error('no audit row');
  return row;
}

/** TERM_EXPIRED rows written for a batch so far, and its customers still due. */
async function progress(sql: postgres.Sql, tag: string): Promise<{ fired: number; due: number }> {
  const [row] = await sql<{ fired: number; due: number }[]>`
    select (select count(*) from transitions t join customers c on c.id = t.entity_id
              where c.trade_name like ${tag + '-%'} and t.event = 'TERM_EXPIRED')::int as fired,
      (select count(*) from customers where trade_name like ${tag + '-%'} and deadline_at is not null)::int as due`;
  if (!row) throw new Error('no progress row');
  return row;
}

/**
 * Polls until `done` holds for the batch's progress; gives up (returning the last progress, for
 * the assertions to show) when nothing has changed for STALLED_MS — a sweeper on a 100 ms timer
 * that stops making progress has lost rows or hangs — or after SWEPT_WITHIN_MS in all.
 */
async function pollUntil(sql: postgres.Sql, tag: string, done: (p: { fired: number; due: number }) => boolean, everyMs: number) {
  const started = Date.now();
  let last = { fired: -1, due: -1, at: started };
  for (;;) {
    const p = await progress(sql, tag);
    if (p.fired !== last.fired || p.due !== last.due) last = { ...p, at: Date.now() };
    if (done(p) || Date.now() - last.at > STALLED_MS || Date.now() - started > SWEPT_WITHIN_MS) return p;
    await sleep(everyMs);
  }
}

/** Transactions open on the database other than this client's (the sweeper's batch, at the kill). */
async function openTransactions(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null`;
  return row?.n ?? 0;
}

describe.skipIf(!onPostgres)('deadline sweeps across API processes, with SIGKILL, on a real PostgreSQL', () => {
  let database: { url: string; drop: () => Promise<void> };
  let sql: postgres.Sql;
  let template: { id: string; salesId: string };

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = postgres(database.url, { max: 2, onnotice: () => undefined });
    // Migrations and demo users, and the one customer every due row copies (entered, approved: protected).
    template = await withSetupApp(database.url, TEST_JWT_SECRET, async (app) => ({
      id: (await protectedCustomer(app)).id,
      salesId: (await userNamed(app, 'sales1')).id,
    }));
  }, TEST_TIMEOUT);

  afterAll(async () => {
    for (const p of alive) p.child.kill('SIGKILL');
    await Promise.all([...alive].map((p) => p.exited));
    await sql?.end();
    await database?.drop();
  }, TEST_TIMEOUT);

  /** N protections of sales1 due one to ten days ago, each with the template's history (CREATE, PROTECTION_APPROVED). */
  async function dueBatch(tag: string, phoneDigit: number): Promise<void> {
    const spec = { templateId: template.id, tag, phoneDigit, count: N, custodianId: template.salesId, createdById: template.salesId };
    expect(await insertCopies(sql, { ...spec, dueBefore: new Date() })).toBe(N);
    await sql`
      insert into transitions (entity_type, entity_id, machine, machine_version, event, from_state, to_state, actor_id, reason, payload, created_at)
      select t.entity_type, c.id, t.machine, t.machine_version, t.event, t.from_state, t.to_state, t.actor_id, t.reason, t.payload, t.created_at
      from transitions t, customers c
      where t.entity_id = ${template.id}::uuid and c.trade_name like ${tag + '-%'}
      order by c.id, t.id`;
    await analyze(sql);
    const before = await audit(sql, tag);
    expect(before).toMatchObject({ customers: N, pooled: 0, unfired: N, version_off: 0, state_off: 0, breaks: 0 });
    expect(await progress(sql, tag)).toEqual({ fired: 0, due: N });
  }

  /** Every customer of the batch expired exactly once, and its history explains its row. */
  async function expectFiredOnceEach(tag: string): Promise<void> {
    expect(await audit(sql, tag)).toEqual({
      customers: N,
      pooled: N,
      unfired: 0,
      fired_once: N,
      fired_twice_or_more: 0,
      version_off: 0,
      state_off: 0,
      breaks: 0,
      odd_expiries: 0,
    });
  }

  it(
    `should fire each of ${N} due deadlines exactly once when two API processes sweep the same database`,
    async () => {
      const tag = 'two-sweepers';
      await dueBatch(tag, 3);
      const [a, b] = await Promise.all([forkApi('A'), forkApi('B')]);
      // Both start at the same moment, each sweeping at once and then every interval.
      const started = Date.now();
      await Promise.all([startApi(a, database.url), startApi(b, database.url)]);
      const swept = await pollUntil(sql, tag, (p) => p.due === 0 && p.fired >= N, 200);
      await Promise.all([stopApi(a), stopApi(b)]);
      console.log(
        `[sigkill] two API processes, ${N} due: ${swept.fired} fired (A logged ${a.fired}, B logged ${b.fired}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      expect(swept).toEqual({ fired: N, due: 0 });
      expect([...a.errors, ...b.errors]).toEqual([]);
      await expectFiredOnceEach(tag);
    },
    TEST_TIMEOUT,
  );

  it(
    'should lose no deadline and fire none twice when the API process sweeping is killed with SIGKILL mid-sweep and another takes over',
    async () => {
      const tag = 'killed-sweeper';
      await dueBatch(tag, 4);
      // The moment: once a random number of rows (1 to N/2) has fired, plus up to 20 ms, so it
      // falls anywhere in a batch — often while its statement runs.
      const target = 1 + Math.floor(Math.random() * (N / 2));
      const extraMs = Math.floor(Math.random() * 20);
      // The successor loads its code meanwhile, but touches the database only once started after the kill.
      const [victim, successor] = await Promise.all([forkApi('victim'), forkApi('successor')]);
      await startApi(victim, database.url);
      const reached = await pollUntil(sql, tag, (p) => p.fired >= target, 20);
      await sleep(extraMs);
      const open = await openTransactions(sql);
      victim.child.kill('SIGKILL');
      await victim.exited;
      expect(victim.child.signalCode).toBe('SIGKILL');
      expect(victim.errors).toEqual([]);
      // PostgreSQL rolls back what the dead connections left open; what was committed stays.
      await sleep(500);
      const atKill = await audit(sql, tag);
      console.log(
        `[sigkill] killed at ≥ ${target} fired + ${extraMs} ms (${reached.fired} seen, ${open} transaction(s) open): ${atKill.fired_once} of ${N} had fired`,
      );
      expect(atKill.fired_once, 'the kill came after the first fired rows').toBeGreaterThan(0);
      expect(atKill.fired_once, 'the kill came before the sweep ended').toBeLessThan(N);
      // Every row fired whole or not at all: no half-written row or history, nothing twice.
      expect(atKill).toMatchObject({ customers: N, pooled: atKill.fired_once, unfired: N - atKill.fired_once, fired_twice_or_more: 0 });
      expect(atKill).toMatchObject({ version_off: 0, state_off: 0, breaks: 0, odd_expiries: 0 });

      await startApi(successor, database.url);
      const swept = await pollUntil(sql, tag, (p) => p.due === 0 && p.fired >= N, 200);
      await stopApi(successor);
      console.log(`[sigkill] the successor fired the other ${swept.fired - atKill.fired_once} (logged ${successor.fired})`);
      expect(swept).toEqual({ fired: N, due: 0 });
      expect(successor.errors).toEqual([]);
      await expectFiredOnceEach(tag);
    },
    TEST_TIMEOUT,
  );
});
