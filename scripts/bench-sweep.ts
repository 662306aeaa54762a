/**
 * Benchmark of the deadline sweeper (P2) on a real PostgreSQL: how long one `sweepOnce()` takes
 * to expire 10,000 due protections, and how much memory it needs. Not a test.
 *
 *   npx tsx scripts/bench-sweep.ts
 *
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) is only used to create
 * and finally drop a throw-away database; BENCH_COUNT changes the number of due customers.
 *
 * The due customers are not entered through the service 10,000 times: one customer is entered
 * and approved through the normal path, and its persisted snapshot, state and stage are copied
 * into rows inserted in bulk, each with its own name, trade name and phone key, custodian a
 * salesperson and a deadline in the past.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { and, count, eq, inArray, like, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createApp, type App } from '../src/app.js';
import { customers, transitions, users } from '../src/platform/db/schema.js';
import { actorOf } from '../src/workflow/actor.js';
import { toViewer } from '../src/users/user.service.js';

const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const COUNT = Number(process.env.BENCH_COUNT ?? 10_000);
const CHUNK = 1_000;
const DAY = 86_400_000;
const MB = 1024 * 1024;

let nowMs = Date.parse('2026-11-23T02:00:00Z');
const clock = () => new Date(nowMs);

async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `custodian_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(BASE_URL, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = postgres(BASE_URL, { max: 1, onnotice: () => undefined });
      try {
        await a.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
}

async function userNamed(app: App, username: string) {
  const [row] = await app.database.db.select().from(users).where(eq(users.username, username));
  if (!row) throw new Error(`no user ${username}`);
  return toViewer(row);
}

async function main(): Promise<void> {
  const database = await createDatabase();
  let app: App | undefined;
  try {
    app = await createApp({ databaseUrl: database.url, jwtSecret: randomBytes(32).toString('hex'), clock, seedDemo: true, sweepIntervalMs: 0 });
    const { db } = app.database;

    // The demo data's own deadlines first, so that the timed sweep fires only the bulk rows.
    nowMs += 60 * DAY;
    const demo = await app.services.sweeper.sweepOnce();

    // One customer through the normal path: its persisted snapshot is the template.
    const sales = await userNamed(app, 'sales1');
    const auditor = actorOf(await userNamed(app, 'auditor1'));
    const entered = await app.services.customers.create(sales, {
      name: '靖江市样板机械有限公司',
      address: '江苏省靖江市人民路1号',
      industry: '机械',
      phone: '0523-89999999',
      introduction: '基准测试的样板客户。',
      contacts: [{ name: '王建国', mobile: '13999999999' }],
    } as never);
    const template = (
      await app.services.engine.apply(app.services.workflows.customer, entered.id, { type: 'PROTECTION_APPROVED', via: 'application' }, auditor)
    ).row;

    const insertStarted = performance.now();
    const now = clock();
    for (let start = 0; start < COUNT; start += CHUNK) {
      const rows = Array.from({ length: Math.min(CHUNK, COUNT - start) }, (_, k) => {
        const i = start + k;
        const digits = String(i).padStart(7, '0');
        return {
          name: `靖江市基准${digits}机械有限公司`,
          tradeName: `bench-${digits}`,
          address: template.address,
          industry: template.industry,
          phone: `0523-7${digits}`,
          phoneKey: `05237${digits}`,
          introduction: template.introduction,
          state: template.state,
          snapshot: template.snapshot,
          version: template.version,
          machineVersion: template.machineVersion,
          stage: template.stage,
          custodianId: sales.id,
          createdById: sales.id,
          // Due between one and ten days ago, oldest first in the sweeper's order.
          deadlineAt: new Date(now.getTime() - DAY - ((i * 7919) % (9 * DAY))),
          deadlineEvent: 'TERM_EXPIRED',
          createdAt: new Date(now.getTime() - 40 * DAY),
          updatedAt: new Date(now.getTime() - 31 * DAY),
        };
      });
      await db.insert(customers).values(rows);
    }
    const insertSeconds = (performance.now() - insertStarted) / 1000;
    await db.execute(sql`analyze customers`);

    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 10);
    // What the sweep costs besides time: statements sent, and this process's own CPU.
    const statements = new Map<string, number>();
    const stopCounting = app.database.onQuery((query) => {
      const verb = query.trimStart().split(/\s+/, 1)[0]?.toLowerCase() ?? '?';
      statements.set(verb, (statements.get(verb) ?? 0) + 1);
    });
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = await app.services.sweeper.sweepOnce();
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    stopCounting();
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);

    const bench = like(customers.tradeName, 'bench-%');
    const [pooled] = await db
      .select({ n: count() })
      .from(customers)
      .where(and(bench, eq(customers.state, 'pool')));
    const ids = db.select({ id: customers.id }).from(customers).where(bench);
    const [expired] = await db
      .select({ n: count() })
      .from(transitions)
      .where(and(eq(transitions.event, 'TERM_EXPIRED'), inArray(transitions.entityId, ids)));

    console.log(`bench-sweep on PostgreSQL ${new URL(database.url).host}`);
    console.log(`  demo deadlines swept first: ${demo.fired}`);
    console.log(`  bulk insert: ${COUNT} due customers in ${insertSeconds.toFixed(2)} s`);
    console.log(`  sweepOnce: fired ${result.fired}, failed ${result.failed}, ${seconds.toFixed(2)} s, ${Math.round(result.fired / seconds)} rows/s`);
    const totalStatements = [...statements.values()].reduce((a, b) => a + b, 0);
    const perVerb = [...statements.entries()].map(([verb, n]) => `${n} ${verb}`).join(', ');
    console.log(
      `  statements through drizzle: ${totalStatements} (${(totalStatements / Math.max(1, result.fired)).toFixed(1)} per row: ${perVerb}); savepoints and commits not counted`,
    );
    console.log(`  node CPU during the sweep: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s of ${seconds.toFixed(2)} s wall`);
    console.log(
      `  RSS: ${(rssBefore / MB).toFixed(0)} MB before, peak ${(peakRss / MB).toFixed(0)} MB during the sweep; process max RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
    );
    console.log(`  check: ${pooled?.n ?? 0} in the pool, ${expired?.n ?? 0} TERM_EXPIRED rows (expected ${COUNT} each)`);
    if (result.fired !== COUNT || pooled?.n !== COUNT || expired?.n !== COUNT) process.exitCode = 1;
  } finally {
    await app?.close();
    await database.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
