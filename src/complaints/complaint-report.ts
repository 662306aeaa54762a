/**
 * V4's report: complaints per day and by category in a period, the first-contact resolution rate
 * of those resolved in it, and the unresolved ones past the SLA now — each one statement grouped
 * in the database, over a department manager's reach (T1: by the customer's custodian).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../platform/db/client.js';
import type { Clock } from '../platform/clock.js';
import { requireRole, type Viewer } from '../platform/auth/viewer.js';
import { checkPeriod } from '../reports/report.service.js';
import { arrayLiteral } from '../platform/db/sql.js';
import type { Policy } from '../workflow/policy/policy.js';
import { overdueBefore } from './complaint.service.js';

export class ComplaintReportService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly policy: () => Policy,
  ) {}

  /** V4: MANAGER or ADMIN, over [from, to), at most 366 days. */
  async report(viewer: Viewer, from: Date, to: Date) {
    requireRole(viewer, 'MANAGER', 'ADMIN');
    checkPeriod(from, to);
    const { timeZone } = this.policy().calendar;
    const inReach = viewer.reach ? sql`(c.custodian_id is null or c.custodian_id = any(${arrayLiteral([...viewer.reach])}::uuid[]))` : sql`true`;
    const scoped = (where: SQL) => sql`from complaints k join customers c on c.id = k.customer_id where ${inReach} and ${where}`;
    const period = (col: string) => sql`${sql.raw(col)} >= ${from.toISOString()}::timestamptz and ${sql.raw(col)} < ${to.toISOString()}::timestamptz`;
    const rows = <T extends Record<string, unknown>>(q: SQL) => this.database.rows<T>(this.database.db, q);
    const perDay = await rows<{ day: string; n: number }>(
      sql`select to_char(k.created_at at time zone ${timeZone}, 'YYYY-MM-DD') as day, count(*)::int as n ${scoped(period('k.created_at'))} group by 1 order by 1`,
    );
    const byCategory = await rows<{ label: string; n: number }>(
      sql`select k.category as label, count(*)::int as n ${scoped(period('k.created_at'))} group by 1 order by 2 desc, 1`,
    );
    const [resolved] = await rows<{ all: number; first: number }>(
      sql`select count(*)::int as all, count(*) filter (where k.resolved_on_first_contact)::int as first ${scoped(period('k.resolved_at'))}`,
    );
    const before = overdueBefore(this.clock(), this.policy()).toISOString();
    const [overdue] = await rows<{ n: number }>(
      sql`select count(*)::int as n ${scoped(sql`k.state in ('open', 'inProgress') and k.created_at < ${before}::timestamptz`)}`,
    );
    return {
      perDay: perDay.map((d) => ({ period: d.day, value: d.n })),
      byCategory: byCategory.map((c) => ({ label: c.label, count: c.n, amount: null })),
      resolved: resolved?.all ?? 0,
      firstContactResolutionRate: resolved && resolved.all > 0 ? Math.round((resolved.first / resolved.all) * 10_000) / 10_000 : null,
      overdue: overdue?.n ?? 0,
    };
  }
}
