/**
 * Data for the benchmarks. Rows are not entered through the services one by one: one customer
 * goes through the normal path (entered, approved, maybe expired by the engine) and its state,
 * stage and persisted snapshot are copied into rows inserted in bulk with SQL, each with its own
 * name, trade name and phone key. Salespeople are users rows with sales1's password hash.
 */
import { eq } from 'drizzle-orm';
import type postgres from 'postgres';
import { createApp, type App } from '../src/app.js';
import { CreateCustomerInput } from '../src/customers/customer.input.js';
import { DEMO_PASSWORD } from '../src/demo/seed.js';
import type { Viewer } from '../src/platform/auth/viewer.js';
import { users, type CustomerRow } from '../src/platform/db/schema.js';
import { toViewer } from '../src/users/user.service.js';
import { actorOf, SYSTEM_SWEEPER } from '../src/workflow/actor.js';

const CHUNK = 25_000;
/** Upper bound of copies per batch: phone keys are 7 digits after the batch digit. */
const MAX_COPIES = 9_999_999;

/**
 * Opens the app once on the fresh database (migrations, demo users, no demo customers), hands
 * it to `fn` and closes it. The measured API runs in a process of its own later.
 */
export async function withSetupApp<T>(databaseUrl: string, jwtSecret: string, fn: (app: App) => Promise<T>): Promise<T> {
  const app = await createApp({ databaseUrl, jwtSecret, seedDemo: true, seedDemoCustomers: false, sweepIntervalMs: 0 });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** A demo user as a viewer. */
export async function userNamed(app: App, username: string): Promise<Viewer> {
  const [row] = await app.database.db.select().from(users).where(eq(users.username, username));
  if (!row) throw new Error(`no user ${username}`);
  return toViewer(row);
}

/** A customer entered by sales1 and approved by auditor1: protected, with a running term (P1, P2). */
export async function protectedCustomer(app: App): Promise<CustomerRow> {
  const sales = await userNamed(app, 'sales1');
  const auditor = actorOf(await userNamed(app, 'auditor1'));
  const input = Object.assign(new CreateCustomerInput(), {
    name: '靖江市样板机械有限公司',
    address: '江苏省靖江市人民路1号',
    industry: '机械',
    phone: '0523-89999999',
    introduction: '基准测试的样板客户。',
    contacts: [{ name: '王建国', mobile: '13999999999' }],
  });
  const entered = await app.services.customers.create(sales, input);
  const { engine, workflows } = app.services;
  return (await engine.apply(workflows.customer, entered.id, { type: 'PROTECTION_APPROVED', via: 'application' }, auditor)).row;
}

/** The protected customer after its term expired through the engine: in the pool, no custodian. */
export async function poolCustomer(app: App): Promise<CustomerRow> {
  const row = await protectedCustomer(app);
  const { engine, workflows } = app.services;
  return (await engine.apply(workflows.customer, row.id, { type: 'TERM_EXPIRED' }, SYSTEM_SWEEPER)).row;
}

/** How to copy a template customer. */
export interface CopySpec {
  templateId: string;
  /** Trade names are `<tag>-0000001` …; also used to find the batch again. */
  tag: string;
  /** 1–9, different per batch: phone keys are `0523<digit><7 digits>`. */
  phoneDigit: number;
  count: number;
  custodianId: string | null;
  createdById: string;
  /** Deadlines due between one and ten days before this instant (else the template's deadline). */
  dueBefore?: Date;
  /** Deadlines spread evenly over `seconds` from `from` (ms precision), copy 1 first; overrides dueBefore. */
  dueWithin?: { from: Date; seconds: number };
}

/** Inserts `count` copies of the template in chunks of 25,000 rows; returns how many. */
export async function insertCopies(sql: postgres.Sql, spec: CopySpec): Promise<number> {
  if (spec.count > MAX_COPIES || spec.phoneDigit < 1 || spec.phoneDigit > 9 || spec.phoneDigit === 8) {
    throw new Error(`copies: count ≤ ${MAX_COPIES}, phone digit 1–9 but not 8 (the template's)`);
  }
  const now = new Date();
  const due = spec.dueBefore ?? null;
  const within = spec.dueWithin?.from ?? null;
  const stepMs = spec.dueWithin ? (spec.dueWithin.seconds * 1000) / spec.count : 0;
  let inserted = 0;
  for (let from = 1; from <= spec.count; from += CHUNK) {
    const to = Math.min(spec.count, from + CHUNK - 1);
    const result = await sql`
      insert into customers (name, trade_name, address, industry, phone, phone_key, introduction, state, snapshot, version,
        machine_version, stage, custodian_id, created_by_id, deadline_at, deadline_event, created_at, updated_at)
      select '靖江市基准' || ${spec.tag} || lpad(g::text, 7, '0') || '机械有限公司', ${spec.tag} || '-' || lpad(g::text, 7, '0'),
        t.address, t.industry, '0523-' || ${spec.phoneDigit} || lpad(g::text, 7, '0'), '0523' || ${spec.phoneDigit} || lpad(g::text, 7, '0'),
        t.introduction, t.state, t.snapshot, t.version, t.machine_version, t.stage, ${spec.custodianId}::uuid, ${spec.createdById}::uuid,
        case when ${within}::timestamptz is not null
            then date_trunc('milliseconds', ${within}::timestamptz + ((g - 1) * ${stepMs}::float8) * interval '1 millisecond')
          when ${due}::timestamptz is null then t.deadline_at
          else ${due}::timestamptz - interval '1 day' - ((g::bigint * 7919) % (9 * 86400000)) * interval '1 millisecond' end,
        t.deadline_event, ${now}::timestamptz - interval '40 days', ${now}::timestamptz - interval '31 days'
      from customers t, generate_series(${from}::int, ${to}::int) g
      where t.id = ${spec.templateId}::uuid`;
    inserted += result.count;
  }
  return inserted;
}

/** A salesperson created for a benchmark. */
export interface BenchUser {
  id: string;
  username: string;
}

/** Inserts `count` SALES users `bench-sales-0001` … with sales1's password hash (the demo password). */
export async function insertSalesUsers(sql: postgres.Sql, count: number): Promise<BenchUser[]> {
  return sql<BenchUser[]>`
    insert into users (username, display_name, password_hash, roles)
    select 'bench-sales-' || lpad(g::text, 4, '0'), '基准销售 ' || g, u.password_hash, '{SALES}'::text[]
    from users u, generate_series(1, ${count}::int) g
    where u.username = 'sales1'
    returning id, username`;
}

/** Signs each user in with the demo password, as a client would; returns their tokens in order. */
export async function tokensFor(app: App, people: readonly BenchUser[]): Promise<string[]> {
  const tokens: string[] = [];
  for (const p of people) tokens.push((await app.services.users.login(p.username, DEMO_PASSWORD)).token);
  return tokens;
}

/** Ids of a batch's customers, in trade-name order. */
export async function idsOf(sql: postgres.Sql, tag: string): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`select id from customers where trade_name like ${tag + '-%'} order by trade_name`;
  return rows.map((r) => r.id);
}

/** Refreshes planner statistics after a bulk insert. */
export async function analyze(sql: postgres.Sql): Promise<void> {
  await sql`analyze customers`;
  await sql`analyze transitions`;
  await sql`analyze users`;
}
