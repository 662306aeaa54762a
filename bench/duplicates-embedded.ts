/**
 * `npx tsx bench/duplicates-embedded.ts [--count N]` (default 100,000): the `duplicates`
 * benchmark on the embedded database (an in-memory PGlite, as the server runs without
 * DATABASE_URL). PGlite lives in the app's process, so the engine side is the app's GraphQL
 * `execute` in process (no HTTP) and the baseline is the same hand-written UNION ALL statement
 * through the same PGlite client. Same data, cases and checks of answers as duplicates.ts; prints
 * p50/p95 side by side and writes bench/results/duplicates-embedded-<timestamp>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { PGlite } from '@electric-sql/pglite';
import { createApp } from '../src/app.js';
import { DEMO_PASSWORD } from '../src/demo/seed.js';
import { checkCases, insertCustomers, nameParts, type CheckCase } from './duplicates-data.js';
import { baselineQuery } from './duplicates.js';
import { protectedCustomer } from './fixtures.js';
import { percentile, round } from './lib.js';

const QUERY = 'query($k: String, $p: String) { duplicateCheck(keyword: $k, phone: $p) { customerId } }';
const ROUNDS = 3;
const PER_KIND = 40;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { count: { type: 'string' } } });
  const count = Number(values.count ?? 100_000);
  const log = (m: string) => console.log(`[duplicates-embedded] ${m}`);
  const app = await createApp({ seedDemo: true, seedDemoCustomers: false, sweepIntervalMs: 0, jwtSecret: 'bench-embedded-0123456789abcdef0123456789' });
  try {
    const parts = nameParts();
    const started = performance.now();
    const template = await protectedCustomer(app);
    await insertCustomers(app.database.db, parts, template.id, count, log);
    const generateSeconds = (performance.now() - started) / 1000;
    log(`generated ${count} customers in ${generateSeconds.toFixed(1)} s`);
    const cases = await checkCases(app.database.db, parts, count, PER_KIND);
    const token = (await app.services.users.login('sales1', DEMO_PASSWORD)).token;
    // drizzle's PGlite database keeps its client as `$client`.
    const client = (app.database.db as unknown as { $client: PGlite }).$client;
    const engine = async (c: CheckCase) => {
      const result = await app.execute(QUERY, { k: c.keyword, p: c.phone }, { token });
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      return (result.data as { duplicateCheck: { customerId: string }[] }).duplicateCheck.map((m) => m.customerId);
    };
    const baseline = async (c: CheckCase) => {
      const { text, params } = baselineQuery(c);
      return (await client.query<{ id: string }>(text, params)).rows.map((r) => r.id);
    };
    for (const c of cases) {
      await engine(c);
      await baseline(c);
    }
    const e: Record<string, number[]> = {};
    const b: Record<string, number[]> = {};
    const differing: string[] = [];
    const time = async <T>(into: Record<string, number[]>, kind: string, fn: () => Promise<T>) => {
      const t0 = performance.now();
      const value = await fn();
      (into[kind] ??= []).push(performance.now() - t0);
      return value;
    };
    for (let r = 0; r < ROUNDS; r += 1) {
      for (const c of cases) {
        const got = await time(e, c.kind, () => engine(c));
        const want = await time(b, c.kind, () => baseline(c));
        if (got.join() !== want.join()) differing.push(`${c.kind} ${c.keyword ?? c.phone}`);
      }
    }
    const all = (x: Record<string, number[]>) => Object.values(x).flat();
    const stats = (xs: number[]) => ({ p50: round(percentile(xs, 50), 2), p95: round(percentile(xs, 95), 2), p99: round(percentile(xs, 99), 2) });
    const result = {
      name: 'duplicates-embedded',
      count,
      generateSeconds: round(generateSeconds, 1),
      cases: cases.length,
      rounds: ROUNDS,
      engine: stats(all(e)),
      baseline: stats(all(b)),
      byKind: Object.fromEntries(Object.keys(e).map((k) => [k, { engine: stats(e[k] ?? []), baseline: stats(b[k] ?? []) }])),
      sameAnswers: differing.length === 0,
      differing: differing.slice(0, 10),
    };
    console.log(`\nduplicates-embedded (PGlite, ${count.toLocaleString('en-US')} customers, ${cases.length} cases × ${ROUNDS})`);
    console.log(`  engine   p50 ${result.engine.p50} ms, p95 ${result.engine.p95} ms, p99 ${result.engine.p99} ms (GraphQL execute in process)`);
    console.log(
      `  baseline p50 ${result.baseline.p50} ms, p95 ${result.baseline.p95} ms, p99 ${result.baseline.p99} ms (the same UNION ALL statement on the PGlite client)`,
    );
    for (const [kind, s] of Object.entries(result.byKind)) console.log(`  ${kind}: engine p95 ${s.engine.p95} ms; baseline p95 ${s.baseline.p95} ms`);
    console.log(`  ${differing.length === 0 ? 'ok  ' : 'FAIL'} same answers as the baseline${differing.length ? `: ${differing.slice(0, 3).join('; ')}` : ''}`);
    const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `duplicates-embedded-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`  → ${file}`);
    if (differing.length > 0) process.exitCode = 1;
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
