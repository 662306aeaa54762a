/**
 * Demo data for a first look: seeded on an empty database when asked (the default on the
 * embedded database). Every demo user's password is `demo`.
 *
 * Customers are not inserted as rows: each one's life (entry, audit, claims, follow-ups,
 * abandonment, expiry, signing) is replayed through the real services and engine with a clock
 * set back to when it happened, so the history and deadlines are exactly what the product
 * would have recorded.
 */
import { count } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../platform/db/client.js';
import { users, type FollowUpChannel, type ProductRow, type Role } from '../platform/db/schema.js';
import { hashPassword } from '../platform/auth/password.js';
import type { TokenService } from '../platform/auth/tokens.js';
import type { Viewer } from '../platform/auth/viewer.js';
import { actorOf } from '../workflow/actor.js';
import { createServices, type Services } from '../services.js';
import type { Clock } from '../platform/clock.js';
import type { Actor } from '../workflow/actor.js';
import { SYSTEM_SWEEPER } from '../workflow/actor.js';
import { DEFAULT_POLICY } from '../workflow/policy/policy.js';
import { money } from '../platform/money.js';
import demoCustomers from './customers.data.json' with { type: 'json' };

export const DEMO_PASSWORD = 'demo';

export const DEMO_USERS: ReadonlyArray<{ username: string; displayName: string; roles: Role[] }> = [
  { username: 'sales1', displayName: '王销售 (sales1)', roles: ['SALES'] },
  { username: 'sales2', displayName: '李销售 (sales2)', roles: ['SALES'] },
  { username: 'sales3', displayName: '张销售 (sales3)', roles: ['SALES'] },
  { username: 'auditor1', displayName: '赵审核 (auditor1)', roles: ['AUDITOR'] },
  { username: 'aftersales1', displayName: '钱售后 (aftersales1)', roles: ['AFTER_SALES'] },
  { username: 'manager1', displayName: '孙经理 (manager1)', roles: ['MANAGER'] },
  { username: 'designer1', displayName: '周设计 (designer1)', roles: ['DESIGNER'] },
  { username: 'admin', displayName: 'Administrator', roles: ['ADMIN'] },
];

type Scenario = 'pendingAudit' | 'rejected' | 'protected' | 'protectedExpiringSoon' | 'intent' | 'formal' | 'pool' | 'poolAbandoned';

interface DemoCustomer {
  name: string;
  address: string;
  industry: string;
  phone: string;
  introduction: string;
  website?: string;
  email?: string;
  fax?: string;
  country?: string;
  region?: string;
  source?: string;
  level?: string;
  custodian: string | null;
  scenario: Scenario;
  contacts: { name: string; title?: string; mobile?: string; landline?: string; email?: string; note?: string }[];
  followUps: { daysAgo: number; channel: FollowUpChannel; notes: string; contact: number | null; nextContactInDays: number | null }[];
}

export interface SeedDeps {
  database: Database;
  tokens: TokenService;
  clock: Clock;
  logger: Logger;
}

const DAY = 86_400_000;

const DEMO_PRODUCTS = [
  { code: 'AC-5HP', name: '春意 5匹商用中央空调机组', unit: '台', listPrice: '12800.00' },
  { code: 'AC-VRF', name: '多联机室外机 VRF-20', unit: '台', listPrice: '45600.00' },
  { code: 'SV-YEAR', name: '年度维保服务', unit: '次', listPrice: '880.00' },
  { code: 'PIPE-CU', name: '铜管安装材料包', unit: '套', listPrice: '356.50' },
];

/** Seeds only a database without users; returns whether it seeded. */
export async function seedDemoData(deps: SeedDeps, withCustomers = true): Promise<boolean> {
  const { database, clock, logger } = deps;
  const [existing] = await database.db.select({ n: count() }).from(users);
  if ((existing?.n ?? 0) > 0) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const now = clock();
  const rows = await database.db
    .insert(users)
    .values(DEMO_USERS.map((u) => ({ ...u, passwordHash, createdAt: new Date(now.getTime() - 90 * DAY), updatedAt: now })))
    .returning();
  const viewers = new Map<string, Viewer>(rows.map((r) => [r.username, { id: r.id, username: r.username, displayName: r.displayName, roles: r.roles }]));
  const viewer = (username: string): Viewer => {
    const v = viewers.get(username);
    if (!v) throw new Error(`unknown demo user ${username}`);
    return v;
  };
  // Services whose clock reads a moment in the past.
  // The demo's story (back-dated claims, follow-ups, audits) is written against the default terms;
  // a POLICY_FILE with, say, 30-second terms applies to what happens after the seed.
  const at = (daysAgo: number): Services => createServices({ ...deps, policy: DEFAULT_POLICY, clock: () => new Date(now.getTime() - daysAgo * DAY) });
  const send = async (daysAgo: number, id: string, event: { type: string; [k: string]: unknown }, actor: Actor) => {
    const s = at(daysAgo);
    await s.engine.apply(s.workflows.customer, id, event, actor);
  };
  const auditor = actorOf(viewer('auditor1'));
  if (!withCustomers) return true;
  const catalogue: ProductRow[] = [];
  for (const p of DEMO_PRODUCTS) catalogue.push(await at(60).products.create(viewer('manager1'), p));
  let contractCount = 0;
  /** A contract's life, replayed through the contract services (C1–C4). */
  const contractLife = async (customerId: string, owner: string, daysAgo: number, end: 'reserved' | 'draft' | 'confirmed' | 'partlyPaid' | 'settled' | 'voided' | 'terminated') => {
    const s = at(daysAgo);
    const who = viewer(owner);
    const c = await s.contracts.reserve(who, customerId);
    contractCount += 1;
    if (end === 'reserved') return;
    const customer = (await s.customers.byIds([customerId]))[0];
    await s.contracts.update(who, c.id, {
      type: '销售合同',
      signDate: new Date(now.getTime() - daysAgo * DAY).toISOString().slice(0, 10),
      paymentMethod: 'BANK_TRANSFER',
      buyer: { name: customer?.name ?? '', address: customer?.address ?? '', taxId: '91320000MA1DEMO00X', contactName: '采购部', phone: customer?.phone ?? null },
      startDate: new Date(now.getTime() - (daysAgo - 1) * DAY).toISOString().slice(0, 10),
      endDate: new Date(now.getTime() + 365 * DAY).toISOString().slice(0, 10),
      terms: '货到验收合格后30日内付清全款。',
      commitments: '免费安装调试，一年内免费上门保养两次。',
    });
    await s.contractLines.addLines(who, c.id, [
      { productId: catalogue[0]?.id ?? null, quantity: '2', discount: '0.05' },
      { productId: catalogue[2]?.id ?? null, quantity: '10' },
    ]);
    if (end === 'draft') return;
    if (end === 'voided') {
      await s.contracts.void(who, c.id, '客户调整采购数量，重新签订');
      return;
    }
    const confirmed = await s.contracts.confirm(who, c.id);
    const pay = at(Math.max(daysAgo - 5, 0.5));
    if (end === 'partlyPaid' || end === 'settled') {
      const total = money.parse(confirmed.total) ?? 0n;
      const first = end === 'settled' ? total : total / 2n;
      await pay.payments.recordPayment(viewer('manager1'), c.id, { amount: money.format(first), paidAt: new Date(now.getTime() - Math.max(daysAgo - 5, 0.5) * DAY), method: 'BANK_TRANSFER', account: '中国银行靖江支行 6222 0000' });
    }
    if (end === 'terminated') await pay.contracts.terminate(viewer('manager1'), c.id, '客户经营困难，双方协商终止');
  };

  for (const [i, demo] of (demoCustomers as DemoCustomer[]).entries()) {
    const owner = demo.custodian ?? (['sales2', 'sales3'][i % 2] as string);
    const oldest = Math.max(0, ...demo.followUps.map((f) => f.daysAgo));
    const plan = timeline(demo.scenario, oldest);
    const s = at(plan.created);
    const { custodian: _c, scenario: _s, followUps: _f, contacts, ...fields } = demo;
    const customer = await s.enterCustomer(viewer(owner), { ...fields, contacts });
    const contactRows = await s.contacts.byCustomerIds([customer.id]);

    const steps: { daysAgo: number; run: () => Promise<void> }[] = [];
    const event = (daysAgo: number | undefined, e: { type: string; [k: string]: unknown }, actor: Actor) => {
      if (daysAgo !== undefined) steps.push({ daysAgo, run: () => send(daysAgo, customer.id, e, actor) });
    };
    // Audit decisions go through the applications workflow, as in the product (A4).
    const pendingOf = async (daysAgo: number, kind: 'PROTECTION' | 'INTENT') => {
      const page = await at(daysAgo).applications.list(viewer('auditor1'), { customerId: customer.id, kind, status: 'PENDING' }, 'OLDEST_FIRST', { first: 1 });
      const row = page.nodes[0];
      if (!row) throw new Error(`no pending ${kind} application for ${demo.name}`);
      return row.id;
    };
    const approved = plan.approved;
    if (approved !== undefined) {
      steps.push({ daysAgo: approved, run: async () => void (await at(approved).applicationDecisions.approve(viewer('auditor1'), await pendingOf(approved, 'PROTECTION'), '资料齐全，同意保护')) });
    }
    const rejected = plan.rejected;
    if (rejected !== undefined) {
      steps.push({ daysAgo: rejected, run: async () => void (await at(rejected).applicationDecisions.reject(viewer('auditor1'), await pendingOf(rejected, 'PROTECTION'), '联系人电话无法接通，请核实后重新提交')) });
    }
    const intent = plan.intent;
    if (intent !== undefined) {
      steps.push({
        daysAgo: intent,
        run: async () => {
          await at(intent + 0.2).applicationOpenings.applyForIntent(viewer(owner), customer.id, '客户已确认采购预算，计划近期签约');
          await at(intent).applicationDecisions.approve(viewer('auditor1'), await pendingOf(intent, 'INTENT'), '同意转为意向客户');
        },
      });
    }
    const signed = plan.signed;
    if (signed !== undefined) {
      const formalIndex = (demoCustomers as DemoCustomer[]).slice(0, i).filter((d) => d.scenario === 'formal').length;
      steps.push({
        daysAgo: signed,
        run: async () => {
          // P6: a confirmed contract makes the customer formal; then the manager hands it to after-sales.
          await contractLife(customer.id, owner, signed, (['settled', 'partlyPaid', 'confirmed', 'terminated'] as const)[formalIndex % 4] ?? 'confirmed');
          await at(signed - 0.5).customers.transfer(viewer('manager1'), customer.id, viewer('aftersales1').id, '签约后移交售后');
          if (formalIndex === 0) await contractLife(customer.id, 'aftersales1', 3, 'reserved');
          if (formalIndex === 1) await contractLife(customer.id, 'aftersales1', 2, 'voided');
        },
      });
    }
    if (demo.scenario === 'intent' && i % 2 === 0) {
      steps.push({ daysAgo: 2, run: () => contractLife(customer.id, owner, 2, i % 4 === 0 ? 'draft' : 'reserved') });
    }
    event(plan.abandoned, { type: 'ABANDON', reason: '客户短期内无采购计划' }, actorOf(viewer(owner)));
    event(plan.expired, { type: 'TERM_EXPIRED' }, SYSTEM_SWEEPER);
    for (const f of demo.followUps) {
      const when = Math.min(Math.max(f.daysAgo, plan.custodyEnds), plan.created - 0.1);
      const next = f.nextContactInDays === null ? null : new Date(now.getTime() + f.nextContactInDays * DAY);
      const time = new Date(now.getTime() - when * DAY);
      steps.push({
        daysAgo: when,
        run: async () => {
          await at(when).followUps.add(viewer(owner), customer.id, {
            channel: f.channel,
            notes: f.notes,
            nextContactAt: next && next > time ? next : new Date(time.getTime() + 7 * DAY),
            contactId: f.contact === null ? null : (contactRows[0]?.[f.contact]?.id ?? null),
          });
        },
      });
    }
    // Oldest first; on the same day, custody changes come after that day's follow-ups.
    steps.sort((a, b) => b.daysAgo - a.daysAgo);
    for (const step of steps) await step.run();
  }
  logger.info({ users: DEMO_USERS.map((u) => u.username), customers: (demoCustomers as DemoCustomer[]).length, contracts: contractCount, products: catalogue.length }, 'seeded demo data');
  return true;
}

/**
 * When (days ago) each step of a scenario happened. Each protection term (30 days) must still
 * be running when the next step happens, so the dates are capped rather than taken from the
 * data's oldest follow-up; follow-ups are moved inside the custody window instead.
 */
function timeline(scenario: Scenario, oldest: number): Partial<Record<'approved' | 'rejected' | 'intent' | 'signed' | 'abandoned' | 'expired', number>> & {
  created: number;
  custodyEnds: number;
} {
  const within = (lo: number, hi: number) => Math.min(Math.max(oldest, lo), hi);
  switch (scenario) {
    case 'pendingAudit':
      return { created: within(1, 5), custodyEnds: 0 };
    case 'rejected':
      return { created: within(2, 5) + 0.5, rejected: 1, custodyEnds: 0 };
    case 'protected': {
      const approved = within(10, 25);
      return { created: approved + 1, approved, custodyEnds: 0 };
    }
    case 'protectedExpiringSoon':
      return { created: 28.5, approved: 28, custodyEnds: 0 };
    case 'intent':
      return { created: 25, approved: 24, intent: 6, custodyEnds: 0 };
    case 'formal':
      return { created: 42, approved: 41, intent: 30, signed: 20, custodyEnds: 20.5 };
    case 'pool': {
      const approved = within(40, 80);
      return { created: approved + 1, approved, expired: approved - 30, custodyEnds: approved - 30 + 0.5 };
    }
    case 'poolAbandoned': {
      const approved = within(10, 25);
      return { created: approved + 1, approved, abandoned: 5, custodyEnds: 5.5 };
    }
  }
}
