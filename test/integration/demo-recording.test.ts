/**
 * The recorded demo story (src/demo/recording.ts, replay.ts), replayed later, is the story run
 * through the services at that moment: same rows, same states and history, same deadlines and
 * contract numbers, up to fresh ids and password salts. The recording is made ten days earlier,
 * across New Year, a holiday and a weekend, so whatever does not simply move with the clock
 * (working-day deadlines, a number's year) must be derived again to match.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemoData } from '../../src/demo/seed.js';
import { recordDemoSeed, type DemoRecording } from '../../src/demo/recording.js';
import { replayRecordedDemo } from '../../src/demo/replay.js';
import { createTokenService } from '../../src/platform/auth/tokens.js';
import { hashPassword } from '../../src/platform/auth/password.js';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/app.js';
import { testClock } from '../support/clock.js';

/** Monday 10:30 in Shanghai, eleven days into 2027. */
const NOW = new Date('2027-01-11T02:30:00Z');
/** New Year's Day 2027 (a holiday, then a weekend), 21:06 in Shanghai: contracts of "3 days ago" were reserved in 2026. */
const RECORDED = new Date('2027-01-01T13:06:00Z');

const silent = pino({ level: 'silent' });

/** The story run through the services at `at` on `app`'s empty database. */
async function story(app: TestApp, at: Date): Promise<void> {
  const tokens = createTokenService(TEST_JWT_SECRET, 3600, () => at);
  await seedDemoData({ database: app.database, tokens, clock: () => at, logger: silent }, true, { replay: false });
}

/**
 * Every table, password hashes left out, and ids replaced by labels that do not depend on heap
 * order (PostgreSQL puts an updated row elsewhere; the replay inserts final rows): tables come
 * referenced-first, so each table's rows are sorted by their contents with the ids they reference
 * already labelled, and then its own ids are labelled in that order.
 */
function normalised(recording: DemoRecording): unknown {
  const ids = new Map<string, string>();
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string' && uuid.test(v)) return ids.get(v) ?? 'unlabelled';
    // T4: a lock's hold names its user behind a prefix (`lock:<user id>`).
    const prefixed = typeof v === 'string' ? /^([a-z]+:)(.+)$/.exec(v) : null;
    if (prefixed?.[1] && prefixed[2] && uuid.test(prefixed[2])) return `${prefixed[1]}${ids.get(prefixed[2]) ?? 'unlabelled'}`;
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const tables = recording.tables.map((t) => {
    const keyed = t.rows.map((r) => ({ r, k: JSON.stringify(walk({ ...r, password_hash: undefined })) }));
    keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
    for (const { r } of keyed) if (typeof r.id === 'string' && uuid.test(r.id)) ids.set(r.id, `${t.name}${ids.size}`);
    return { name: t.name, rows: keyed.map(({ r }) => walk({ ...r, password_hash: undefined })) };
  });
  return { tables, sequences: recording.sequences };
}

describe('recorded demo story', () => {
  let live: TestApp;
  let replayed: TestApp;
  let recording: DemoRecording;

  beforeAll(async () => {
    const recorder = await startTestApp({ seedDemo: false, clock: testClock(RECORDED) });
    try {
      await story(recorder, RECORDED);
      recording = await recordDemoSeed(recorder.database, RECORDED, 'test');
    } finally {
      await recorder.close();
    }
    live = await startTestApp({ seedDemo: false, clock: testClock(NOW) });
    await story(live, NOW);
    replayed = await startTestApp({ seedDemo: false, clock: testClock(NOW) });
    expect(await replayRecordedDemo(replayed.database, NOW, await hashPassword(DEMO_PASSWORD), silent, recording)).toBe(true);
  }, 240_000);
  afterAll(async () => {
    await live?.close();
    await replayed?.close();
  });

  it('should give the rows the story gives when run through the services at the same moment', async () => {
    const [a, b] = [await recordDemoSeed(live.database, NOW, 'live'), await recordDemoSeed(replayed.database, NOW, 'replayed')];
    expect(a.tables.map((t) => t.name)).toContain('transitions');
    if (process.env.DEMO_DIFF) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync('/tmp/live.json', JSON.stringify(normalised(a), null, 1));
      writeFileSync('/tmp/replayed.json', JSON.stringify(normalised(b), null, 1));
    }
    expect(normalised(b)).toEqual(normalised(a));
    // Trigger-filled: the duplicate check's names.
    const names = sql`select count(*)::int as n from customer_names n join customers c on c.id = n.customer_id and c.name = n.name`;
    expect((await replayed.database.rows<{ n: number }>(replayed.database.db, names))[0]?.n).toBe(32);
  });

  it('should give fresh ids, let the demo users sign in, and continue the sequences', async () => {
    const ids = await replayed.database.rows<{ id: string }>(replayed.database.db, sql`select id from customers`);
    const recorded = new Set(recording.tables.find((t) => t.name === 'customers')?.rows.map((r) => r.id));
    expect(ids.some((r) => recorded.has(r.id))).toBe(false);
    const token = await replayed.login('sales1');
    const data = await replayed.ok<{ customers: { edges: { node: { name: string } }[] } }>(`{ customers(first: 50) { edges { node { name } } } }`, {}, token);
    expect(data.customers.edges.length).toBeGreaterThan(0);
    const manager = await replayed.login('manager1');
    const customer = await replayed.ok<{ createProduct: { code: string } }>(
      `mutation($input: ProductInput!) { createProduct(input: $input) { code } }`,
      { input: { code: `T-${randomUUID().slice(0, 8)}`, name: 'test', unit: '台', listPrice: '1.00' } },
      manager,
    );
    expect(customer.createProduct.code).toMatch(/^T-/);
    const [next] = await replayed.database.rows<{ n: string }>(replayed.database.db, sql`select nextval('contract_number_seq')::text as n`);
    // The story reserved one number per contract (never reused, C4): the sequence continues after them.
    const [made] = await replayed.database.rows<{ n: string }>(replayed.database.db, sql`select count(*)::text as n from contracts`);
    expect(Number(made?.n)).toBeGreaterThan(10);
    expect(Number(next?.n)).toBe(Number(made?.n) + 1);
  });
});
