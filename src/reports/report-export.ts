/**
 * The manager's reports as files (T8, issue 17 §8): `GET /export/reports/<report>.csv` or `.xlsx`
 * with the period as query parameters (`from`, `to`, ISO dates; `asOf` for receivables aging),
 * signed in by the bearer token as /graphql is. The figures are the GraphQL report's own
 * (ReportService: MANAGER and ADMIN, a department manager's reach, the same period checks), the
 * headers Chinese, the cells neutralised against formulas by the table writer.
 *
 * Refusals are JSON `{ errors: [{ message, extensions: { code } }] }`: 401 unsigned, 403 wrong
 * role, 400 a bad period (per-field messages under `extensions.fields`), 404 no such report.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Viewer } from '../platform/auth/viewer.js';
import { DomainError, FieldErrorCollector } from '../platform/errors.js';
import { TABLE_CONTENT_TYPES, writeTable, type TableColumn, type TableFormat, type TableRow } from '../platform/files/table-writer.js';
import { sendError, STATUS_OF_CODE, type HttpRoute } from '../platform/http/routes.js';
import type { PerformanceRow, ReportService } from './report.service.js';

/** The query parameters a report takes, read and checked. */
interface ReportParams {
  from: Date;
  to: Date;
  asOf: Date | null;
}

interface ReportFile {
  /** The sheet's name in the workbook (and the file name's stem). */
  sheet: string;
  columns: readonly TableColumn[];
  /** Whether it covers a period (`from` and `to` required) or a day (`asOf`, optional). */
  period: boolean;
  rows: (reports: ReportService, viewer: Viewer, p: ReportParams) => Promise<TableRow[]>;
}

const col = (header: string, width = 14): TableColumn => ({ header, width });
const num = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

const STAGE_NAMES: Readonly<Record<string, string>> = {
  ENTERED: '录入',
  PROTECTED: '保护',
  INTENT: '意向',
  FORMAL: '正式',
  POOL: '公海',
  PROSPECT: '潜在',
};

const FLOW_NAMES: Readonly<Record<string, string>> = {
  TERM_EXPIRED: '保护期满回收',
  ABANDON: '主动放弃',
  REJECTION_LAPSED: '驳回未处理回收',
  INACTIVITY_EXPIRED: '未跟进回收',
  HANDED_OVER: '离职交接',
  CLAIM: '领取',
  ASSIGN: '分配',
};

const performanceCells = (r: PerformanceRow): TableRow => [num(r.newCustomers), num(r.claims), num(r.intents), num(r.contracts), r.contractAmount, r.payments];
const PERFORMANCE_COLUMNS = [col('新增客户'), col('领取'), col('意向通过'), col('签约合同'), col('合同金额', 16), col('回款', 16)];

/** The reports by their file name. */
export const REPORT_FILES: Readonly<Record<string, ReportFile>> = {
  funnel: {
    sheet: '销售漏斗',
    columns: [col('类别'), col('阶段'), col('代码'), col('客户数'), col('转化率')],
    period: true,
    async rows(reports, viewer, p) {
      const report = await reports.funnel(viewer, p.from, p.to);
      const now = await reports.stagesNow(viewer);
      return [
        ...report.stages.map((s) => ['期间进入', STAGE_NAMES[s.label] ?? s.label, s.label, num(s.count), num(s.conversion)]),
        ...now.map((s) => ['当前', STAGE_NAMES[s.label] ?? s.label, s.label, num(s.count), '']),
      ];
    },
  },
  'pool-flows': {
    sheet: '公海流转',
    columns: [col('周', 22), col('原因', 16), col('代码', 20), col('客户数')],
    period: true,
    async rows(reports, viewer, p) {
      const points = await reports.poolFlows(viewer, p.from, p.to);
      return points.map((x) => [x.period.toISOString(), FLOW_NAMES[x.label] ?? x.label, x.label, num(x.value)]);
    },
  },
  audit: {
    sheet: '审核时效',
    columns: [col('审核人', 16), col('审核次数'), col('中位时长(小时)', 16), col('P90时长(小时)', 16), col('当前超期待审', 16)],
    period: true,
    async rows(reports, viewer, p) {
      const r = await reports.audit(viewer, p.from, p.to);
      const each = r.byDecider.map((d) => [d.user?.displayName ?? '', num(d.decisions), num(d.medianHours), num(d.p90Hours), '']);
      return [['合计', num(r.decisions), num(r.medianHours), num(r.p90Hours), num(r.overdue)], ...each];
    },
  },
  'sales-performance': {
    sheet: '销售业绩',
    columns: [col('部门', 16), col('销售', 16), ...PERFORMANCE_COLUMNS],
    period: true,
    async rows(reports, viewer, p) {
      const r = await reports.performance(viewer, p.from, p.to);
      return [
        ...r.byDepartment.map((d) => [d.departmentName, '（部门合计）', ...performanceCells(d)]),
        ...r.byUser.map((u) => [u.departmentName, u.user?.displayName ?? '', ...performanceCells(u)]),
      ];
    },
  },
  'receivables-aging': {
    sheet: '应收账龄',
    columns: [col('账龄(天)'), col('合同数'), col('未收金额', 16)],
    period: false,
    async rows(reports, viewer, p) {
      const r = await reports.aging(viewer, p.asOf);
      return [...r.buckets.map((b) => [b.label, num(b.count), b.amount]), ['合计', num(r.buckets.reduce((a, b) => a + b.count, 0)), r.total]];
    },
  },
};

const PATH = /^\/export\/reports\/([a-z-]+)\.(csv|xlsx)$/;

/** `from`, `to` and `asOf` of the URL: ISO dates or times; per-field errors for the rest. */
function paramsOf(url: URL, file: ReportFile): ReportParams {
  const errors = new FieldErrorCollector();
  const date = (name: string, required: boolean): Date | null => {
    const text = url.searchParams.get(name);
    if (text === null || text === '') {
      errors.check(!required, name, 'is required (an ISO date, e.g. 2026-01-01)');
      return null;
    }
    const d = new Date(text);
    errors.check(text.length <= 40 && !Number.isNaN(d.getTime()), name, 'must be an ISO date or date-time, e.g. 2026-01-01');
    return Number.isNaN(d.getTime()) ? null : d;
  };
  const from = date('from', file.period);
  const to = date('to', file.period);
  const asOf = date('asOf', false);
  errors.throwIfAny('Invalid report period');
  return { from: from ?? new Date(0), to: to ?? new Date(0), asOf };
}

async function exportReport(
  reports: ReportService,
  authenticate: (req: IncomingMessage) => Promise<Viewer>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) {
  const [, name = '', format = 'csv'] = PATH.exec(url.pathname) ?? [];
  let rows: TableRow[];
  const file = REPORT_FILES[name];
  try {
    const viewer = await authenticate(req);
    if (!file) throw new DomainError('NOT_FOUND', `No report ${name}; reports: ${Object.keys(REPORT_FILES).join(', ')}`);
    rows = await file.rows(reports, viewer, paramsOf(url, file));
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    sendError(res, STATUS_OF_CODE[err.code] ?? 400, err.code, err.message, err.details);
    return;
  }
  const day = new Date().toISOString().slice(0, 10);
  res.writeHead(200, {
    'content-type': TABLE_CONTENT_TYPES[format as TableFormat],
    'content-disposition': `attachment; filename="${name}-${day}.${format}"`,
    'cache-control': 'no-store',
  });
  await writeTable(res, format as TableFormat, file.columns, toAsync(rows), file.sheet);
}

async function* toAsync(rows: readonly TableRow[]): AsyncIterable<TableRow> {
  yield* rows;
}

/** The report file routes over `reports`, signed in by `authenticate`. */
export function reportFileRoutes(reports: ReportService, authenticate: (req: IncomingMessage) => Promise<Viewer>): HttpRoute[] {
  return [
    {
      matches: (method, path) => method === 'GET' && PATH.test(path),
      handle: (req, res, url) => exportReport(reports, authenticate, req, res, url),
    },
  ];
}
