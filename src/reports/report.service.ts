/**
 * The manager's reports (issue 18 §7): funnel, pool flows, audit, sales performance and
 * receivables aging, computed in SQL over the real records (report.sql.ts) for MANAGER and ADMIN.
 * A department manager's reports cover their reach only (T1). Periods are [from, to), at most
 * 366 days; a bad one is refused with BAD_USER_INPUT on `from`/`to` before any query.
 */
import type { Database } from '../platform/db/client.js';
import type { UserCard } from '../platform/db/schema.js';
import { requireRole, type Viewer } from '../platform/auth/viewer.js';
import { FieldErrorCollector } from '../platform/errors.js';
import { money } from '../platform/money.js';
import type { Clock } from '../platform/clock.js';
import type { Policy } from '../workflow/policy/policy.js';
import { agingSql, auditSql, funnelSql, overdueSql, performanceSql, poolFlowSql, stagesNowSql, type Period } from './report.sql.js';

const MAX_DAYS = 366;
const DAY_MS = 86_400_000;

/** A money text from SQL as the API writes money (two places). */
const amount = money.normalise;
const sum = (texts: readonly string[]) => money.format(texts.reduce((a, t) => a + (money.parse(t) ?? 0n), 0n));
const hours = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);

/** The order of the funnel's stages. */
const STAGES = ['entered', 'protected', 'intent', 'formal'] as const;

/** A report's period [from, to): `to` after `from`, at most 366 days; else BAD_USER_INPUT on `to`. */
export function checkPeriod(from: Date, to: Date): Period {
  const errors = new FieldErrorCollector();
  errors.check(from < to, 'to', 'must be after from');
  errors.check(to.getTime() - from.getTime() <= MAX_DAYS * DAY_MS, 'to', `must be at most ${MAX_DAYS} days after from`);
  errors.throwIfAny();
  return { from, to };
}

export interface PerformanceRow {
  user: UserCard | null;
  departmentId: string;
  departmentName: string;
  newCustomers: number;
  claims: number;
  intents: number;
  contracts: number;
  contractAmount: string;
  payments: string;
}

export class ReportService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly policy: () => Policy,
    private readonly overdueMadeBefore: (now: Date) => Date,
    private readonly usersByIds: (ids: readonly string[]) => Promise<(UserCard | null)[]>,
  ) {}

  private rows<T extends Record<string, unknown>>(query: Parameters<Database['rows']>[1]): Promise<T[]> {
    return this.database.rows<T>(this.database.db, query);
  }

  /** MANAGER or ADMIN, and a valid period. */
  private period(viewer: Viewer, from: Date, to: Date): Period {
    requireRole(viewer, 'MANAGER', 'ADMIN');
    return checkPeriod(from, to);
  }

  async funnel(viewer: Viewer, from: Date, to: Date) {
    const p = this.period(viewer, from, to);
    const [counts] = await this.rows<Record<(typeof STAGES)[number], number>>(funnelSql(p, viewer.reach));
    const stages = STAGES.map((s, i) => {
      const count = counts?.[s] ?? 0;
      const before = i === 0 ? 0 : (counts?.[STAGES[i - 1]!] ?? 0);
      return { label: s.toUpperCase(), count, conversion: before > 0 ? Math.round((count / before) * 10_000) / 10_000 : null };
    });
    return { stages };
  }

  /** Customers per stage now, over the viewer's reach (the funnel's `now`, read only when asked for). */
  async stagesNow(viewer: Viewer) {
    requireRole(viewer, 'MANAGER', 'ADMIN');
    const rows = await this.rows<{ label: string; count: number }>(stagesNowSql(viewer.reach));
    return rows.map((r) => ({ ...r, amount: null }));
  }

  async poolFlows(viewer: Viewer, from: Date, to: Date) {
    const p = this.period(viewer, from, to);
    const rows = await this.rows<{ period: Date | string; reason: string; count: number }>(poolFlowSql(p, viewer.reach, this.policy().calendar.timeZone));
    return rows.map((r) => ({ period: new Date(r.period), label: r.reason, value: r.count }));
  }

  async audit(viewer: Viewer, from: Date, to: Date) {
    const p = this.period(viewer, from, to);
    const rows = await this.rows<{ decider: string | null; count: number; median_hours: unknown; p90_hours: unknown }>(auditSql(p, viewer.reach));
    const [overdue] = await this.rows<{ overdue: number }>(overdueSql(this.overdueMadeBefore(this.clock()), viewer.reach));
    const all = rows.find((r) => r.decider === null);
    const each = rows.filter((r) => r.decider !== null).sort((a, b) => b.count - a.count);
    const users = await this.usersByIds(each.map((r) => r.decider as string));
    return {
      decisions: all?.count ?? 0,
      medianHours: hours(all?.median_hours),
      p90Hours: hours(all?.p90_hours),
      overdue: overdue?.overdue ?? 0,
      byDecider: each.map((r, i) => ({ user: users[i], decisions: r.count, medianHours: hours(r.median_hours), p90Hours: hours(r.p90_hours) })),
    };
  }

  async performance(viewer: Viewer, from: Date, to: Date): Promise<{ byUser: PerformanceRow[]; byDepartment: PerformanceRow[] }> {
    const p = this.period(viewer, from, to);
    type Row = { user_id: string; department_id: string; department_name: string; entered: number; claims: number; intents: number; contracts: number };
    const rows = await this.rows<Row & { contract_amount: string; payments: string }>(performanceSql(p, viewer.reach));
    const users = await this.usersByIds(rows.map((r) => r.user_id));
    const byUser = rows.map((r, i) => ({
      user: users[i] ?? null,
      departmentId: r.department_id,
      departmentName: r.department_name,
      newCustomers: r.entered,
      claims: r.claims,
      intents: r.intents,
      contracts: r.contracts,
      contractAmount: amount(r.contract_amount),
      payments: amount(r.payments),
    }));
    const departments = new Map<string, PerformanceRow[]>();
    for (const row of byUser) departments.set(row.departmentId, [...(departments.get(row.departmentId) ?? []), row]);
    const byDepartment = [...departments.values()].map((people) => ({
      user: null,
      departmentId: people[0]!.departmentId,
      departmentName: people[0]!.departmentName,
      newCustomers: people.reduce((a, r) => a + r.newCustomers, 0),
      claims: people.reduce((a, r) => a + r.claims, 0),
      intents: people.reduce((a, r) => a + r.intents, 0),
      contracts: people.reduce((a, r) => a + r.contracts, 0),
      contractAmount: sum(people.map((r) => r.contractAmount)),
      payments: sum(people.map((r) => r.payments)),
    }));
    byDepartment.sort((a, b) => Number((money.parse(b.contractAmount) ?? 0n) - (money.parse(a.contractAmount) ?? 0n)));
    return { byUser, byDepartment };
  }

  async aging(viewer: Viewer, asOf?: Date | null) {
    requireRole(viewer, 'MANAGER', 'ADMIN');
    const rows = await this.rows<{ label: string; count: number; amount: string }>(agingSql(asOf ?? this.clock(), viewer.reach));
    const buckets = rows.map((r) => ({ label: r.label, count: r.count, amount: amount(r.amount) }));
    return { buckets, total: sum(buckets.map((b) => b.amount)) };
  }
}
