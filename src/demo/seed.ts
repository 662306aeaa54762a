/**
 * Demo data for a first look: seeded on an empty database when asked (the default on the
 * embedded database). Every demo user's password is `demo`.
 *
 * Customers are not inserted as rows: each one's life (entry, audit, claims, follow-ups,
 * abandonment, expiry, signing) is replayed through the real services and engine with a clock
 * set back to when it happened, so the history and deadlines are exactly what the product
 * would have recorded. That story is recorded once per build and replayed in bulk (recording.ts).
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
import { replayRecordedDemo } from './replay.js';
import { lockDemoCustomer, seedDemoTeams } from './teams.js';
import { afterSalesYear } from './after-sales-story.js';
import { STORY_DAYS, timeline, type Plan, type Scenario } from './timeline.js';

export const DEMO_PASSWORD = 'demo-password-1';

export const DEMO_USERS: ReadonlyArray<{ username: string; displayName: string; roles: Role[] }> = [
  { username: 'sales1', displayName: '王销售 (sales1)', roles: ['SALES'] },
  { username: 'sales2', displayName: '李销售 (sales2)', roles: ['SALES'] },
  { username: 'sales3', displayName: '张销售 (sales3)', roles: ['SALES'] },
  { username: 'auditor1', displayName: '赵审核 (auditor1)', roles: ['AUDITOR'] },
  { username: 'aftersales1', displayName: '钱售后 (aftersales1)', roles: ['AFTER_SALES'] },
  { username: 'manager1', displayName: '孙经理 (manager1)', roles: ['MANAGER'] },
  { username: 'manager2', displayName: '吴经理 (manager2, 销售一部)', roles: ['MANAGER'] },
  { username: 'designer1', displayName: '周设计 (designer1)', roles: ['DESIGNER'] },
  { username: 'admin', displayName: 'Administrator', roles: ['ADMIN'] },
];

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

type ContractEnd = 'reserved' | 'draft' | 'confirmed' | 'partlyPaid' | 'settled' | 'voided' | 'terminated';
type Step = { daysAgo: number; run: () => Promise<void> };

/** The demo's story, replayed through the services with a clock set back to each moment. */
class DemoStory {
  private readonly catalogue: ProductRow[] = [];
  /** The formal customers' ids by their place among the formal ones. */
  private readonly formalIds: string[] = [];
  contractCount = 0;
  /** The moment the services' clock reads; each step sets it before it runs (steps run one at a time). */
  private moment: Date;
  private readonly services: Services;

  constructor(
    deps: SeedDeps,
    private readonly now: Date,
    private readonly viewers: Map<string, Viewer>,
  ) {
    this.moment = now;
    // One set of services for the whole story (building them per step was most of the seed's time).
    this.services = createServices({ ...deps, policy: DEFAULT_POLICY, clock: () => this.moment });
  }

  viewer(username: string): Viewer {
    const v = this.viewers.get(username);
    if (!v) throw new Error(`unknown demo user ${username}`);
    return v;
  }

  /**
   * Services whose clock reads a moment in the past. The demo's story (back-dated claims,
   * follow-ups, audits) is written against the default terms; a POLICY_FILE with, say,
   * 30-second terms applies to what happens after the seed.
   */
  at(daysAgo: number): Services {
    this.moment = this.daysAgo(daysAgo);
    return this.services;
  }

  private daysAgo(days: number): Date {
    return new Date(this.now.getTime() - days * DAY);
  }

  async products(): Promise<void> {
    for (const p of DEMO_PRODUCTS) this.catalogue.push(await this.at(STORY_DAYS - 2).products.create(this.viewer('manager1'), p));
  }

  get productCount(): number {
    return this.catalogue.length;
  }

  /** A contract's life, replayed through the contract services (C1–C4). */
  async contractLife(customerId: string, owner: string, daysAgo: number, end: ContractEnd): Promise<void> {
    const s = this.at(daysAgo);
    const who = this.viewer(owner);
    const c = await s.contracts.reserve(who, customerId);
    this.contractCount += 1;
    if (end === 'reserved') return;
    const [customer] = await s.customers.byIds([customerId]);
    const day = (n: number) => this.daysAgo(n).toISOString().slice(0, 10);
    await s.contracts.update(who, c.id, {
      type: '销售合同',
      signDate: day(daysAgo),
      paymentMethod: 'BANK_TRANSFER',
      buyer: {
        name: customer?.name ?? '',
        address: customer?.address ?? '',
        taxId: '91320000MA1DEMO00X',
        contactName: '采购部',
        phone: customer?.phone ?? null,
      },
      startDate: day(daysAgo - 1),
      endDate: day(-365),
      terms: '货到验收合格后30日内付清全款。',
      commitments: '免费安装调试，一年内免费上门保养两次。',
    });
    await s.contractLines.addLines(who, c.id, [
      { productId: this.catalogue[0]?.id ?? null, quantity: '2', discount: '0.05' },
      { productId: this.catalogue[2]?.id ?? null, quantity: '10' },
    ]);
    if (end === 'draft') return;
    if (end === 'voided') return void (await s.contracts.void(who, c.id, '客户调整采购数量，重新签订'));
    const confirmed = await s.contracts.confirm(who, c.id);
    const later = Math.max(daysAgo - 5, 0.5);
    const pay = this.at(later);
    if (end === 'partlyPaid' || end === 'settled') {
      const total = money.parse(confirmed.total) ?? 0n;
      const amount = money.format(end === 'settled' ? total : total / 2n);
      await pay.payments.recordPayment(this.viewer('manager1'), c.id, {
        amount,
        paidAt: this.daysAgo(later),
        method: 'BANK_TRANSFER',
        account: '中国银行靖江支行 6222 0000',
      });
    }
    if (end === 'terminated') await pay.contracts.terminate(this.viewer('manager1'), c.id, '客户经营困难，双方协商终止');
  }

  /** The customer's pending application of a kind, as the auditor's queue shows it. */
  private async pendingOf(daysAgo: number, customerId: string, kind: 'PROTECTION' | 'INTENT'): Promise<string> {
    const page = await this.at(daysAgo).applications.list(this.viewer('auditor1'), { customerId, kind, status: 'PENDING' }, 'OLDEST_FIRST', { first: 1 });
    const row = page.nodes[0];
    if (!row) throw new Error(`no pending ${kind} application for ${customerId}`);
    return row.id;
  }

  /** Audit decisions go through the applications workflow, as in the product (A4). */
  private auditSteps(customerId: string, owner: string, plan: Plan): Step[] {
    const steps: Step[] = [];
    const auditor = this.viewer('auditor1');
    const { approved, rejected, intent } = plan;
    if (approved !== undefined) {
      const run = async () =>
        void (await this.at(approved).applicationDecisions.approve(auditor, await this.pendingOf(approved, customerId, 'PROTECTION'), '资料齐全，同意保护'));
      steps.push({ daysAgo: approved, run });
    }
    if (rejected !== undefined) {
      const reason = '联系人电话无法接通，请核实后重新提交';
      const run = async () =>
        void (await this.at(rejected).applicationDecisions.reject(auditor, await this.pendingOf(rejected, customerId, 'PROTECTION'), reason));
      steps.push({ daysAgo: rejected, run });
    }
    if (intent !== undefined) {
      const run = async () => {
        await this.at(intent + 0.2).applicationOpenings.applyForIntent(this.viewer(owner), customerId, '客户已确认采购预算，计划近期签约');
        await this.at(intent).applicationDecisions.approve(auditor, await this.pendingOf(intent, customerId, 'INTENT'), '同意转为意向客户');
      };
      steps.push({ daysAgo: intent, run });
    }
    return steps;
  }

  /** P6: a confirmed contract makes the customer formal; then the manager hands it to after-sales. */
  private contractSteps(customerId: string, owner: string, plan: Plan, demo: DemoCustomer, i: number): Step[] {
    const steps: Step[] = [];
    const signed = plan.signed;
    if (signed !== undefined) {
      const formalIndex = formalIndexOf(i);
      steps.push(...this.afterSalesYear(customerId, signed, formalIndex));
      const end = (['settled', 'partlyPaid', 'confirmed', 'terminated'] as const)[formalIndex % 4] ?? 'confirmed';
      const run = async () => {
        await this.contractLife(customerId, owner, signed, end);
        await this.at(signed - 0.5).customers.transfer(this.viewer('manager1'), customerId, this.viewer('aftersales1').id, '签约后移交售后');
        if (formalIndex === 0) await this.contractLife(customerId, 'aftersales1', 3, 'reserved');
        if (formalIndex === 1) await this.contractLife(customerId, 'aftersales1', 2, 'voided');
      };
      steps.push({ daysAgo: signed, run });
    }
    if (demo.scenario === 'intent' && i % 2 === 0)
      steps.push({ daysAgo: 2, run: () => this.contractLife(customerId, owner, 2, i % 4 === 0 ? 'draft' : 'reserved') });
    return steps;
  }

  /** A formal customer's year with after-sales: its repeat contracts and payments, value and credit, and the V6 visits made once due. */
  private afterSalesYear(customerId: string, signed: number, formalIndex: number): Step[] {
    this.formalIds[formalIndex] = customerId;
    return afterSalesYear(this, customerId, signed, formalIndex, this.formalIds);
  }

  /** Custody ended by the salesperson (P5) or by the term (P2), sent straight to the engine. */
  private custodySteps(customerId: string, owner: string, plan: Plan): Step[] {
    const send = (daysAgo: number | undefined, event: { type: string; [k: string]: unknown }, actor: Actor): Step[] => {
      if (daysAgo === undefined) return [];
      return [{ daysAgo, run: async () => void (await this.at(daysAgo).customers.applyEvent(customerId, event, actor)) }];
    };
    return [
      ...send(plan.abandoned, { type: 'ABANDON', reason: '客户短期内无采购计划' }, actorOf(this.viewer(owner))),
      ...send(plan.expired, { type: 'TERM_EXPIRED' }, SYSTEM_SWEEPER),
    ];
  }

  /** F2: follow-ups inside the custody window, each with a next contact time. */
  private followUpSteps(customerId: string, owner: string, plan: Plan, demo: DemoCustomer, contacts: { id: string; name: string }[]): Step[] {
    // The data names a contact by its place in the customer's list; the rows (entered at one
    // moment) come back in id order, which is random: match by name.
    const contactId = (index: number | null) => contacts.find((c) => index !== null && c.name === demo.contacts[index]?.name)?.id ?? null;
    return demo.followUps.map((f) => {
      const when = Math.min(Math.max(f.daysAgo, plan.custodyEnds), plan.created - 0.1);
      const next = f.nextContactInDays === null ? null : new Date(this.now.getTime() + f.nextContactInDays * DAY);
      const time = this.daysAgo(when);
      const input = {
        channel: f.channel,
        notes: f.notes,
        nextContactAt: next && next > time ? next : new Date(time.getTime() + 7 * DAY),
        contactId: contactId(f.contact),
      };
      return { daysAgo: when, run: async () => void (await this.at(when).followUps.add(this.viewer(owner), customerId, input)) };
    });
  }

  /** One demo customer's life, entered and then replayed step by step, oldest first. */
  async customerLife(demo: DemoCustomer, i: number): Promise<void> {
    const owner = demo.custodian ?? (['sales2', 'sales3'][i % 2] as string);
    const plan = timeline(demo.scenario, Math.max(0, ...demo.followUps.map((f) => f.daysAgo)), formalIndexOf(i));
    const { custodian: _c, scenario: _s, followUps: _f, contacts, ...fields } = demo;
    const customer = await this.at(plan.created).enterCustomer(this.viewer(owner), { ...fields, contacts });
    const [contactRows = []] = await this.at(plan.created).contacts.byCustomerIds([customer.id]);
    const steps = [
      ...this.auditSteps(customer.id, owner, plan),
      ...this.contractSteps(customer.id, owner, plan, demo, i),
      ...this.custodySteps(customer.id, owner, plan),
      ...this.followUpSteps(customer.id, owner, plan, demo, contactRows),
    ];
    // Oldest first; on the same day, custody changes come after that day's follow-ups.
    steps.sort((a, b) => b.daysAgo - a.daysAgo);
    for (const step of steps) await step.run();
  }
}

/** The place of the demo's i-th customer among its formal ones (for the formal ones). */
function formalIndexOf(i: number): number {
  return (demoCustomers as DemoCustomer[]).slice(0, i).filter((d) => d.scenario === 'formal').length;
}

/**
 * Seeds only a database without users; returns whether it seeded. With customers, the recorded
 * story is replayed when there is one for this code (recording.ts; `replay: false` runs the
 * story through the services even so).
 */
export async function seedDemoData(deps: SeedDeps, withCustomers = true, options: { replay?: boolean } = {}): Promise<boolean> {
  const { database, clock, logger } = deps;
  const [existing] = await database.db.select({ n: count() }).from(users);
  if ((existing?.n ?? 0) > 0) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const now = clock();
  if (withCustomers && options.replay !== false && (await replayRecordedDemo(database, now, passwordHash, logger))) return true;
  const rows = await database.db
    .insert(users)
    .values(DEMO_USERS.map((u) => ({ ...u, passwordHash, createdAt: new Date(now.getTime() - STORY_DAYS * DAY), updatedAt: now })))
    .returning();
  const viewers = new Map<string, Viewer>(rows.map((r) => [r.username, { id: r.id, username: r.username, displayName: r.displayName, roles: r.roles }]));
  if (!withCustomers) return true;
  const story = new DemoStory(deps, now, viewers);
  await story.products();
  await seedDemoTeams(story.at(STORY_DAYS - 1), (u) => story.viewer(u));
  for (const [i, demo] of (demoCustomers as DemoCustomer[]).entries()) await story.customerLife(demo, i);
  await lockDemoCustomer(story.at(0), (u) => story.viewer(u));
  const customers = (demoCustomers as DemoCustomer[]).length;
  logger.info({ users: DEMO_USERS.map((u) => u.username), customers, contracts: story.contractCount, products: story.productCount }, 'seeded demo data');
  return true;
}
