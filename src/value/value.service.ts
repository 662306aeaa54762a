/**
 * Customer value (V1–V3): each customer's revenue, purchases, class, tier and loyalty stage,
 * the classes with their Pareto curve, the pyramid and the ranking, over confirmed contracts and
 * payments (value.sql.ts), with the policy's `value` section. A customer's own figures are
 * details (P8); the summaries are for MANAGER and ADMIN, a department manager's over their reach (T1).
 */
import type { Database } from '../platform/db/client.js';
import type { Clock } from '../platform/clock.js';
import { requireRole, type Viewer } from '../platform/auth/viewer.js';
import { FieldErrorCollector } from '../platform/errors.js';
import { money } from '../platform/money.js';
import { parseDuration, subtractDuration } from '../workflow/policy/duration.js';
import type { Policy } from '../workflow/policy/policy.js';
import { classesSql, customerValuesSql, paretoSql, pyramidSql, rankingSql, repurchaseSql, type ValueParams, type ValueScope } from './value.sql.js';

export const VALUE_CLASSES = ['A', 'B', 'C'] as const;
export type ValueClass = (typeof VALUE_CLASSES)[number];
export const TIERS = ['VIP', 'MAJOR', 'ORDINARY', 'SMALL'] as const;
export type Tier = (typeof TIERS)[number];
export const LOYALTY_STAGES = ['POTENTIAL', 'FIRST_PURCHASE', 'REPEAT', 'ADVOCATE', 'PARTNER'] as const;
export type LoyaltyStage = (typeof LOYALTY_STAGES)[number];

/** One customer's value figures. */
export interface CustomerValue {
  customerId: string;
  revenue: string;
  windowRevenue: string;
  windowPayments: string;
  outstanding: string;
  purchases: number;
  firstPurchaseAt: Date | null;
  lastPurchaseAt: Date | null;
  averageIntervalDays: number | null;
  referrals: number;
  valueClass: ValueClass | null;
  tier: Tier | null;
  loyalty: LoyaltyStage;
}

interface ValueRow extends Record<string, unknown> {
  customer_id: string;
  revenue: string;
  window_revenue: string;
  window_payments: string;
  outstanding: string;
  purchases: number;
  first_at: Date | string | null;
  last_at: Date | string | null;
  referrals: number;
  value_class: ValueClass | null;
  tier: Tier | null;
  loyalty: LoyaltyStage;
}

const amount = money.normalise;
const date = (v: Date | string | null) => (v === null ? null : new Date(v));
const DAY_MS = 86_400_000;
/** The points of the Pareto curve: every 5 % of the buyers. */
const PARETO_POINTS = 20;
export const MAX_RANKING = 100;

function toValue(r: ValueRow): CustomerValue {
  const first = date(r.first_at);
  const last = date(r.last_at);
  return {
    customerId: r.customer_id,
    revenue: amount(r.revenue),
    windowRevenue: amount(r.window_revenue),
    windowPayments: amount(r.window_payments),
    outstanding: amount(r.outstanding),
    purchases: r.purchases,
    firstPurchaseAt: first,
    lastPurchaseAt: last,
    averageIntervalDays: first && last && r.purchases > 1 ? Math.round(((last.getTime() - first.getTime()) / DAY_MS / (r.purchases - 1)) * 10) / 10 : null,
    referrals: r.referrals,
    valueClass: r.value_class,
    tier: r.tier,
    loyalty: r.loyalty,
  };
}

export class ValueService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly policy: () => Policy,
  ) {}

  /** The figures' parameters now, the window `window` (an ISO duration) or the policy's. */
  params(window?: string | null): ValueParams {
    const { value, calendar } = this.policy();
    const now = this.clock();
    return {
      now,
      windowStart: subtractDuration(now, window ?? value.window),
      dragBefore: subtractDuration(now, value.dragAfter),
      goldShare: value.goldShare,
      tiers: value.tiers,
      advocateReferrals: value.advocateReferrals,
      partnerYears: value.partnerYears,
      timeZone: calendar.timeZone,
    };
  }

  private rows(query: Parameters<Database['rows']>[1]) {
    return this.database.rows<ValueRow>(this.database.db, query);
  }

  /** The figures of these customers, in their order (no visibility check: the caller has made it). */
  async ofCustomers(ids: readonly string[]): Promise<CustomerValue[]> {
    const rows = await this.rows(customerValuesSql(this.params(), { ids }));
    const byId = new Map(rows.map((r) => [r.customer_id, toValue(r)]));
    return ids.map((id) => byId.get(id) ?? toValue({ customer_id: id } as ValueRow));
  }

  /** MANAGER or ADMIN, with the window checked; the scope of their reach. */
  private summary(viewer: Viewer, window?: string | null): { p: ValueParams; scope: ValueScope } {
    requireRole(viewer, 'MANAGER', 'ADMIN');
    const errors = new FieldErrorCollector();
    if (window != null) errors.check(windowProblem(window) === undefined, 'window', windowProblem(window) ?? '');
    errors.throwIfAny();
    return { p: this.params(window), scope: { reach: viewer.reach } };
  }

  /** V1: customers and revenue per class, the Pareto curve and the repurchase rate (V3). */
  async classes(viewer: Viewer, window?: string | null) {
    const { p, scope } = this.summary(viewer, window);
    const classes = await this.database.rows<{ label: ValueClass; count: number; amount: string }>(this.database.db, classesSql(p, scope));
    const pareto = await this.database.rows<{ customer_share: number; revenue_share: number }>(this.database.db, paretoSql(p, scope, PARETO_POINTS));
    const [repeat] = await this.database.rows<{ repeat: number; buyers: number }>(this.database.db, repurchaseSql(p, scope));
    const byLabel = new Map(classes.map((c) => [c.label, c]));
    return {
      windowStart: p.windowStart,
      windowEnd: p.now,
      classes: VALUE_CLASSES.map((label) => ({ label, count: byLabel.get(label)?.count ?? 0, amount: amount(byLabel.get(label)?.amount) })),
      pareto: pareto.map((x) => ({ customerShare: round4(x.customer_share), revenueShare: round4(x.revenue_share) })),
      repurchaseRate: repeat && repeat.buyers > 0 ? round4(repeat.repeat / repeat.buyers) : null,
    };
  }

  /** V2: customers and revenue per tier, VIP first. */
  async pyramid(viewer: Viewer, window?: string | null) {
    const { p, scope } = this.summary(viewer, window);
    const rows = await this.database.rows<{ label: Tier; count: number; amount: string }>(this.database.db, pyramidSql(p, scope));
    const byLabel = new Map(rows.map((r) => [r.label, r]));
    return TIERS.map((label) => ({ label, count: byLabel.get(label)?.count ?? 0, amount: amount(byLabel.get(label)?.amount) }));
  }

  /** V3: the customers with the most revenue, to date or in the window, at most MAX_RANKING. */
  async ranking(viewer: Viewer, by: 'REVENUE' | 'WINDOW_REVENUE', first: number): Promise<CustomerValue[]> {
    const { p, scope } = this.summary(viewer);
    const errors = new FieldErrorCollector();
    errors.check(Number.isInteger(first) && first >= 1 && first <= MAX_RANKING, 'first', `must be from 1 to ${MAX_RANKING}`);
    errors.throwIfAny();
    return (await this.rows(rankingSql(p, scope, by, first))).map(toValue);
  }
}

const round4 = (x: number) => Math.round(Number(x) * 10_000) / 10_000;

/** Why `text` is not a usable value window (an ISO duration from a day to five years), or undefined. */
function windowProblem(text: string): string | undefined {
  if (text.length > 40) return 'must be an ISO-8601 duration such as P1Y or P6M';
  try {
    const d = parseDuration(text);
    const days = d.years * 365 + d.months * 30 + d.weeks * 7 + d.days + d.hours / 24;
    return days >= 1 && days <= 5 * 366 ? undefined : 'must be from a day (P1D) to five years (P5Y)';
  } catch {
    return 'must be an ISO-8601 duration such as P1Y or P6M';
  }
}
