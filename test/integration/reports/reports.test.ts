/**
 * Issue 18 §7: the manager's reports over a small known history — funnel, pool flows, audit,
 * sales performance and receivables aging — with exact figures, a department manager's reach
 * (T1), and the refusals (a salesperson, a bad period).
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { draftContract } from '../../support/contracts.js';
import { actorFor, createCustomer, intentCustomer, protectedCustomer, sendCustomer } from '../../support/customers.js';

const FUNNEL = `query($f: DateTime!, $t: DateTime!) { funnelReport(from: $f, to: $t) { stages { label count conversion } now { label count } } }`;
const FLOWS = `query($f: DateTime!, $t: DateTime!) { poolFlowReport(from: $f, to: $t) { period label value } }`;
const AUDIT = `query($f: DateTime!, $t: DateTime!) { auditReport(from: $f, to: $t) { decisions medianHours p90Hours overdue byDecider { user { username } decisions } } }`;
const PERFORMANCE = `query($f: DateTime!, $t: DateTime!) { salesPerformanceReport(from: $f, to: $t) {
  byUser { user { username } departmentName newCustomers claims intents contracts contractAmount payments }
  byDepartment { user { username } departmentName newCustomers contracts contractAmount payments } } }`;
const AGING = `query($at: DateTime) { receivablesAgingReport(asOf: $at) { buckets { label count amount } total } }`;

describe('the manager’s reports (issue 18 §7)', () => {
  let app: TestApp;
  let manager: string;
  let deptManager: string;
  let period: { f: string; t: string };

  beforeAll(async () => {
    app = await startTestApp();
    const admin = await app.login('admin');
    const start = app.clock().getTime();
    period = { f: new Date(start - DAY).toISOString(), t: new Date(start + 30 * DAY).toISOString() };
    // 销售一部: sales1 and a department manager; sales2 stays in the root.
    const dept = (await app.ok(`mutation { createDepartment(input: { name: "销售一部" }) { id } }`, {}, admin)).createDepartment.id as string;
    const sales1 = (await app.services.users.viewerForToken(await app.login('sales1'))).id;
    await app.ok(`mutation($u: ID!, $d: ID!) { moveUser(userId: $u, departmentId: $d) { id } }`, { u: sales1, d: dept }, admin);
    const input = {
      username: 'report-manager',
      displayName: '一部经理',
      password: 'report-manager-pw-1',
      roles: ['MANAGER'],
      departmentId: dept,
      scope: 'DEPARTMENT',
    };
    await app.ok(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, { i: input }, admin);
    manager = await app.login('manager1');
    deptManager = await app.login('report-manager', 'report-manager-pw-1');
    // sales1: one customer to intent, then a 1,000.00 contract confirmed with 400.00 paid; one left in audit.
    const won = await intentCustomer(app, 'sales1');
    const contract = await draftContract(app, won.id, await app.login('sales1'));
    await app.ok(`mutation($id: ID!) { confirmContract(id: $id) { state } }`, { id: contract.id }, await app.login('sales1'));
    const payment = { amount: '400.00', paidAt: app.clock().toISOString(), method: 'BANK_TRANSFER' };
    await app.ok(`mutation($id: ID!, $i: PaymentInput!) { recordPayment(contractId: $id, input: $i) { amount } }`, { id: contract.id, i: payment }, manager);
    await createCustomer(app, 'sales1');
    // sales2: one protected, then abandoned to the pool.
    const lost = await protectedCustomer(app, 'sales2');
    await sendCustomer(app, lost.id, { type: 'ABANDON', reason: '客户短期内无采购计划' }, await actorFor(app, 'sales2'));
  });
  afterAll(async () => app?.close());

  it('should count each stage of the funnel in the period with the conversions between them, and a department manager’s own only (T1)', async () => {
    const all = (await app.ok(FUNNEL, period, manager)).funnelReport;
    expect(all.stages).toEqual([
      { label: 'ENTERED', count: 3, conversion: null },
      { label: 'PROTECTED', count: 2, conversion: 0.6667 },
      { label: 'INTENT', count: 1, conversion: 0.5 },
      { label: 'FORMAL', count: 1, conversion: 1 },
    ]);
    expect(Object.fromEntries(all.now.map((s: { label: string; count: number }) => [s.label, s.count]))).toMatchObject({ FORMAL: 1, POOL: 1, PROSPECT: 1 });
    const mine = (await app.ok(FUNNEL, period, deptManager)).funnelReport;
    expect(mine.stages.map((s: { count: number }) => s.count)).toEqual([2, 1, 1, 1]);
  });

  it('should give pool flows per week by reason, scoped by the person the customer left', async () => {
    const flows = (await app.ok(FLOWS, period, manager)).poolFlowReport;
    expect(flows).toEqual([{ period: expect.any(String), label: 'ABANDON', value: 1 }]);
    expect(new Date(flows[0].period).getUTCDay()).toBe(0); // Monday 00:00 in Shanghai is Sunday 16:00 UTC
    expect((await app.ok(FLOWS, period, deptManager)).poolFlowReport).toEqual([]);
  });

  it('should time audit decisions per decider and count the applications past the SLA (A5)', async () => {
    const before = (await app.ok(AUDIT, period, manager)).auditReport;
    expect(before).toMatchObject({ decisions: 3, overdue: 0, byDecider: [{ user: { username: 'auditor1' }, decisions: 3 }] });
    expect(before.medianHours).toBeGreaterThanOrEqual(0);
    expect((await app.ok(AUDIT, period, deptManager)).auditReport).toMatchObject({ decisions: 2 });
    app.clock.advance(10 * DAY);
    expect((await app.ok(AUDIT, period, await app.login('manager1'))).auditReport.overdue).toBe(1);
  });

  it('should give each person’s and department’s performance in the period', async () => {
    const report = (await app.ok(PERFORMANCE, period, await app.login('manager1'))).salesPerformanceReport;
    expect(report.byUser).toEqual([
      {
        user: { username: 'sales1' },
        departmentName: '销售一部',
        newCustomers: 2,
        claims: 0,
        intents: 1,
        contracts: 1,
        contractAmount: '1000.00',
        payments: '400.00',
      },
      {
        user: { username: 'sales2' },
        departmentName: expect.any(String),
        newCustomers: 1,
        claims: 0,
        intents: 0,
        contracts: 0,
        contractAmount: '0.00',
        payments: '0.00',
      },
    ]);
    expect(report.byDepartment[0]).toMatchObject({ user: null, departmentName: '销售一部', newCustomers: 2, contracts: 1, contractAmount: '1000.00' });
    const mine = (await app.ok(PERFORMANCE, period, await app.login('report-manager', 'report-manager-pw-1'))).salesPerformanceReport;
    expect(mine.byUser.map((r: { user: { username: string } }) => r.user.username)).toEqual(['sales1']);
  });

  it('should age what confirmed contracts still owe (C3)', async () => {
    const at = new Date(app.clock().getTime() + 30 * DAY).toISOString(); // 40 days after confirmation
    expect((await app.ok(AGING, { at }, await app.login('manager1'))).receivablesAgingReport).toEqual({
      buckets: [{ label: '31-60', count: 1, amount: '600.00' }],
      total: '600.00',
    });
  });

  it('should refuse a salesperson with FORBIDDEN and a bad period with BAD_USER_INPUT on `to`', async () => {
    expect((await app.fails(FUNNEL, period, await app.login('sales1'))).extensions).toMatchObject({ code: 'FORBIDDEN' });
    const backwards = await app.fails(FUNNEL, { f: period.t, t: period.f }, await app.login('manager1'));
    expect(backwards.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { to: 'must be after from' } });
    const long = { f: period.f, t: new Date(Date.parse(period.f) + 400 * DAY).toISOString() };
    expect((await app.fails(AUDIT, long, await app.login('manager1'))).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { to: expect.stringMatching(/366/) },
    });
  });
  it('should export each report as CSV or XLSX with Chinese headers and the same figures, and refuse who and what it must (T8)', async () => {
    const base = (await app.listen(0, '127.0.0.1')).replace(/\/graphql$/, '');
    const get = (path: string, token?: string) => fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const q = `from=${encodeURIComponent(period.f)}&to=${encodeURIComponent(period.t)}`;
    const manager1 = await app.login('manager1');
    const csv = await get(`/export/reports/sales-performance.csv?${q}`, manager1);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="sales-performance-\d{4}-\d\d-\d\d\.csv"/);
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toBe('部门,销售,新增客户,领取,意向通过,签约合同,合同金额,回款');
    expect(lines).toContain('销售一部,（部门合计）,2,0,1,1,1000.00,400.00');
    const name = async (username: string) => (await app.services.users.viewerForToken(await app.login(username))).displayName;
    const [sales1Name, sales2Name] = [await name('sales1'), await name('sales2')];
    expect(lines).toContain(`销售一部,${sales1Name},2,0,1,1,1000.00,400.00`);
    expect(lines.some((l) => l.includes(`,${sales2Name},1,0,0,0,0.00,0.00`))).toBe(true);
    // A department manager's file holds their reach only, as the query does.
    const mine = await (await get(`/export/reports/sales-performance.csv?${q}`, await app.login('report-manager', 'report-manager-pw-1'))).text();
    expect(mine).toContain(`销售一部,${sales1Name},`);
    expect(mine).not.toContain(sales2Name);
    const xlsx = await get(`/export/reports/funnel.xlsx?${q}`, manager1);
    expect(xlsx.headers.get('content-type')).toMatch(/spreadsheetml/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    const sheet = book.getWorksheet('销售漏斗');
    expect((sheet?.getRow(1).values as unknown[]).slice(1)).toEqual(['类别', '阶段', '代码', '客户数', '转化率']);
    expect((sheet?.getRow(3).values as unknown[]).slice(1)).toEqual(['期间进入', '保护', 'PROTECTED', '2', '0.6667']);
    const aging = await (await get(`/export/reports/receivables-aging.csv`, manager1)).text();
    expect(aging).toContain('合计,1,600.00');
    const refusal = async (path: string, token: string | undefined, status: number, code: string) => {
      const res = await get(path, token);
      expect(res.status, path).toBe(status);
      const body = (await res.json()) as { errors: { extensions: Record<string, unknown> }[] };
      expect(body.errors[0]?.extensions.code).toBe(code);
      return body.errors[0]!.extensions;
    };
    await refusal(`/export/reports/funnel.csv?${q}`, undefined, 401, 'UNAUTHENTICATED');
    await refusal(`/export/reports/funnel.csv?${q}`, await app.login('sales1'), 403, 'FORBIDDEN');
    await refusal(`/export/reports/payroll.csv?${q}`, manager1, 404, 'NOT_FOUND');
    expect(await refusal(`/export/reports/funnel.csv?to=yesterday`, manager1, 400, 'BAD_USER_INPUT')).toMatchObject({
      fields: { from: expect.stringMatching(/required/), to: expect.stringMatching(/ISO date/) },
    });
    expect(
      await refusal(`/export/reports/audit.xlsx?from=${encodeURIComponent(period.t)}&to=${encodeURIComponent(period.f)}`, manager1, 400, 'BAD_USER_INPUT'),
    ).toMatchObject({
      fields: { to: 'must be after from' },
    });
  });
});
