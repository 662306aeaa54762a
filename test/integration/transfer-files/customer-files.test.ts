/**
 * T8: customers are imported from and exported to CSV/Excel with the same validation and
 * duplicate check as createCustomer, and exported with the customers query's filters and P8.
 */
import { request } from 'node:http';
import { eq, inArray } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applications, contacts, customers, transitions } from '../../../src/platform/db/schema.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createCustomer, customerInput } from '../../support/customers.js';
import { DomainError } from '../../../src/platform/errors.js';
import { deriveTradeName } from '../../../src/customers/rules/e1-trade-name.js';
import { CustomerImportService } from '../../../src/transfer-files/customer-import.service.js';

const HEADER = ['客户名称', '详细地址', '行业', '电话', '简介', '来源', '联系人', '联系人手机', '联系人职务'];
const INTRO = '生产中央空调配件的制造企业，年产值约两亿元。';
let seq = 0;
/** A valid file row with fresh keys (trade names and numbers unlike the support builder's). */
function row(overrides: Partial<Record<(typeof HEADER)[number], string>> = {}): string[] {
  seq += 1;
  const trade = `导入${String.fromCharCode(0x5000 + seq * 37)}${String.fromCharCode(0x6000 + seq * 53)}`;
  const values: Record<string, string> = {
    客户名称: `苏州市${trade}电子有限公司`,
    详细地址: '江苏省苏州市工业园区星湖街328号',
    行业: '电子',
    电话: `0512-6${String(seq).padStart(7, '0')}`,
    简介: INTRO,
    来源: '展会',
    联系人: '李明',
    联系人手机: `137${String(seq).padStart(8, '0')}`,
    联系人职务: '经理',
    ...overrides,
  };
  return HEADER.map((h) => values[h] ?? '');
}

const csvCell = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
const csv = (rows: string[][]) => Buffer.from('\uFEFF' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n', 'utf8');

async function xlsx(rows: (string | ExcelJS.CellFormulaValue)[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('客户');
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function readXlsx(bytes: ArrayBuffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes);
  const rows: string[][] = [];
  workbook.worksheets[0]?.eachRow((r) => rows.push((r.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
  return rows;
}

interface Report {
  dryRun: boolean;
  rows: number;
  counts: Record<string, number>;
  report: {
    row: number;
    outcome: string;
    customerId?: string;
    duplicateOf?: Record<string, unknown>;
    reason?: string;
    errors?: { field: string; column: string; message: string }[];
  }[];
}

describe('customer files (T8)', () => {
  let app: TestApp;
  let base: string;
  let sales1: string;
  let sales2: string;
  let manager: string;
  beforeAll(async () => {
    app = await startTestApp({ transferLimits: { maxBytes: 64 * 1024, maxRows: 30 } });
    base = (await app.listen(0, '127.0.0.1')).replace(/\/graphql$/, '');
    [sales1, sales2, manager] = await Promise.all([app.login('sales1'), app.login('sales2'), app.login('manager1')]);
  });
  afterAll(async () => app?.close());

  const upload = (body: Buffer | string, token: string | undefined, query = '', headers: Record<string, string> = {}) =>
    fetch(`${base}/import/customers${query}`, { method: 'POST', body, headers: { ...(token && { authorization: `Bearer ${token}` }), ...headers } });
  const report = async (res: Response) => {
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as Report;
  };
  const errorOf = async (res: Response) => ((await res.json()) as { errors: { message: string; extensions: { code: string } }[] }).errors[0];
  const count = async () => (await app.database.db.select().from(customers)).length;
  const exportFile = (format: 'csv' | 'xlsx', token: string | undefined, query = '') =>
    fetch(`${base}/export/customers.${format}${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  describe('import', () => {
    it('T8: a dry run reports each row (would create, duplicate of which customer and why, invalid fields) and writes nothing', async () => {
      const existing = await createCustomer(app, 'sales2');
      const byPhone = await createCustomer(app, 'sales2');
      const fresh = row();
      const rows = [
        HEADER,
        fresh,
        row({ 客户名称: existing.name }),
        row({ 电话: byPhone.phone }),
        row({ 电话: '12345', 简介: '太短' }),
        row({ 简介: '=HYPERLINK("http://evil","点击")' }),
        row({ 客户名称: fresh[0] }),
        row({ 联系人手机: fresh[7] }),
      ];
      const before = await count();
      const result = await report(await upload(csv(rows), sales1, '?dryRun=true'));
      expect(await count()).toBe(before);
      expect(result).toMatchObject({ dryRun: true, rows: 7, counts: { WOULD_CREATE: 1, DUPLICATE: 4, INVALID: 2, CREATED: 0 } });
      expect(result.report).toMatchObject([
        { row: 2, outcome: 'WOULD_CREATE' },
        { row: 3, outcome: 'DUPLICATE', reason: 'TRADE_NAME', duplicateOf: { customerId: existing.id, name: existing.name } },
        { row: 4, outcome: 'DUPLICATE', reason: 'PHONE', duplicateOf: { customerId: byPhone.id, name: byPhone.name } },
        { row: 5, outcome: 'INVALID' },
        { row: 6, outcome: 'INVALID', errors: [{ field: 'introduction', column: '简介', message: 'is a formula; formulas are not imported' }] },
        { row: 7, outcome: 'DUPLICATE', reason: 'TRADE_NAME', duplicateOf: { row: 2 } },
        { row: 8, outcome: 'DUPLICATE', reason: 'PHONE', duplicateOf: { row: 2 } },
      ]);
      expect(result.report[3]?.errors?.map((e) => e.field).sort()).toEqual(['introduction', 'phone']);
    });

    it('T8: applying enters each valid row as createCustomer does (custodian, history, PROTECTION application, contact), the rest reported', async () => {
      const existing = await createCustomer(app, 'sales2');
      const rows = [HEADER, row(), row({ 客户名称: existing.name }), row({ 电话: 'abc' }), row()];
      const result = await report(await upload(csv(rows), sales1));
      expect(result.counts).toMatchObject({ CREATED: 2, DUPLICATE: 1, INVALID: 1 });
      const ids = result.report.flatMap((r) => (r.outcome === 'CREATED' && r.customerId ? [r.customerId] : []));
      expect(ids).toHaveLength(2);
      const sales1Id = (await app.services.users.viewerForToken(sales1)).id;
      const made = await app.database.db.select().from(customers).where(inArray(customers.id, ids));
      expect(made.map((c) => [c.custodianId, c.state, c.source])).toEqual(ids.map(() => [sales1Id, 'prospect.pendingAudit', '展会']));
      const history = await app.database.db.select().from(transitions).where(inArray(transitions.entityId, ids));
      expect(history.filter((h) => h.event === 'CREATE')).toHaveLength(2);
      const protections = await app.database.db.select().from(applications).where(inArray(applications.customerId, ids));
      expect(protections.map((a) => a.kind)).toEqual(['PROTECTION', 'PROTECTION']);
      const people = await app.database.db
        .select()
        .from(contacts)
        .where(eq(contacts.customerId, ids[0] ?? ''));
      expect(people).toMatchObject([{ name: '李明', title: '经理' }]);
      // Imported again: every row is now a duplicate of what the first import entered.
      const again = await report(await upload(csv(rows), sales1, '?dryRun=true'));
      expect(again.counts).toMatchObject({ WOULD_CREATE: 0, DUPLICATE: 3, INVALID: 1 });
    });

    it('T8: a chunk enters its rows as enterCustomer enters one; a key taken since the check is left for E4 to refuse alone', async () => {
      const viewer = await app.services.users.viewerForToken(sales1);
      const existing = await createCustomer(app, 'sales2');
      const [a, b] = [customerInput(), customerInput()];
      const inputs = [a, customerInput({ name: existing.name }), b, customerInput({ phone: a.phone })];
      // The support builder's inputs are createCustomer's input, as the GraphQL schema would pass them.
      const rows = await app.services.enterCustomers(viewer, inputs as never);
      expect(rows.map((r) => r !== null)).toEqual([true, false, true, false]);
      const ids = rows.flatMap((r) => (r ? [r.id] : []));
      const history = await app.database.db.select().from(transitions).where(inArray(transitions.entityId, ids));
      expect(history.map((h) => [h.machine, h.event, h.toState])).toEqual(ids.map(() => ['customer', 'CREATE', 'prospect.pendingAudit']));
      const opened = await app.database.db.select().from(applications).where(inArray(applications.customerId, ids));
      expect(opened.map((o) => [o.kind, o.state, o.reason])).toEqual(ids.map(() => ['PROTECTION', 'pending', a.introduction]));
      // P2: each customer's term is held by its own application, whose CREATE history row says why it was opened.
      for (const row of rows.flatMap((r) => (r ? [r] : []))) {
        expect(app.services.customers.termHeld(row)).toBe(true);
        expect(opened.find((o) => o.customerId === row.id)?.id).toBeDefined();
      }
      const openedHistory = await app.database.db
        .select()
        .from(transitions)
        .where(
          inArray(
            transitions.entityId,
            opened.map((o) => o.id),
          ),
        );
      expect(openedHistory.map((h) => [h.event, h.reason])).toEqual(ids.map(() => ['CREATE', a.introduction]));
      const people = await app.database.db.select().from(contacts).where(inArray(contacts.customerId, ids));
      expect(people).toHaveLength(2);
      const peopleHistory = await app.database.db
        .select()
        .from(transitions)
        .where(
          inArray(
            transitions.entityId,
            people.map((p) => p.id),
          ),
        );
      expect(peopleHistory.map((h) => h.event)).toEqual(['CREATE', 'CREATE']);
    });

    it('T8: a chunk that fails rolls back whole and its rows are entered one by one, each with its own outcome', async () => {
      const sales1Id = (await app.services.users.viewerForToken(sales1)).id;
      const existing = await createCustomer(app, 'sales2');
      const rows = [HEADER, row(), row(), row()];
      const imports = new CustomerImportService({
        database: app.database,
        enterCustomer: async (viewer, input) => {
          // Row 3's key is entered by someone else after the file's check.
          if (input.name === rows[2]?.[0])
            await app.database.db
              .update(customers)
              .set({ tradeName: deriveTradeName(input.name) })
              .where(eq(customers.id, existing.id));
          return app.services.enterCustomer(viewer, input);
        },
        enterCustomers: () => Promise.reject(new DomainError('CONFLICT', 'a row of the chunk was refused')),
        concurrency: 1,
      });
      const viewer = await app.services.users.viewerForToken(sales1);
      const file = rows.map((cells, i) => ({ number: i + 1, cells: cells.map((text) => ({ text, formula: false })) }));
      const result = await imports.run(viewer, file, false);
      expect(result.counts).toMatchObject({ CREATED: 2, DUPLICATE: 1 });
      expect(result.report.map((r) => r.outcome)).toEqual(['CREATED', 'DUPLICATE', 'CREATED']);
      expect(result.report[1]).toMatchObject({ duplicateOf: { customerId: existing.id } });
      const made = await app.database.db
        .select()
        .from(customers)
        .where(
          inArray(
            customers.id,
            result.report.flatMap((r) => (r.customerId ? [r.customerId] : [])),
          ),
        );
      expect(made.map((c) => c.custodianId)).toEqual([sales1Id, sales1Id]);
    });

    it('T8: reads XLSX with English headers, and refuses formula cells as invalid fields', async () => {
      const [name, address, industry, phone, introduction] = row();
      const file = await xlsx([
        ['name', 'address', 'industry', 'phone', 'introduction', 'contactName', 'contactMobile'],
        [name ?? '', address ?? '', industry ?? '', phone ?? '', introduction ?? '', '张三', '13900001111'],
        [row()[0] ?? '', { formula: 'CONCAT("江苏省","苏州市星湖街1号")', result: '江苏省苏州市星湖街1号' }, '电子', row()[3] ?? '', INTRO, '', ''],
      ]);
      const result = await report(await upload(file, manager, '?dryRun=true'));
      expect(result.report).toMatchObject([
        { row: 2, outcome: 'WOULD_CREATE' },
        { row: 3, outcome: 'INVALID', errors: [{ field: 'address', column: '详细地址', message: 'is a formula; formulas are not imported' }] },
      ]);
    });

    it('T8: refuses without a token (401) and for a role that does not enter customers (403), before reading the file', async () => {
      expect((await upload(csv([HEADER, row()]), undefined)).status).toBe(401);
      expect((await upload(csv([HEADER, row()]), await app.login('auditor1'))).status).toBe(403);
    });

    it('T8: refuses a file that is neither CSV nor XLSX (415), old .xls (415) and a form upload (415)', async () => {
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
      const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
      for (const body of [png, xls]) {
        const res = await upload(body, sales1);
        expect(res.status).toBe(415);
        expect((await errorOf(res))?.extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      }
      const form = await upload('--x\r\n\r\n', sales1, '', { 'content-type': 'multipart/form-data; boundary=x' });
      expect(form.status).toBe(415);
    });

    it('T8: refuses a broken XLSX, a CSV that is not UTF-8, unknown columns and too many rows (400, with a message)', async () => {
      const broken = await upload(Buffer.from('PK\x03\x04 not really a zip', 'latin1'), sales1);
      expect(broken.status).toBe(400);
      expect((await errorOf(broken))?.message).toMatch(/XLSX file cannot be read/);
      const gbk = await upload(Buffer.from([0xbf, 0xcd, 0xbb, 0xa7, 0x0a]), sales1);
      expect((await errorOf(gbk))?.message).toMatch(/not UTF-8/);
      const unknown = await upload(csv([[...HEADER, '备注X'], row()]), sales1);
      expect(unknown.status).toBe(400);
      expect((await errorOf(unknown))?.message).toMatch(/Unknown columns: 备注X/);
      const many = Array.from({ length: 31 }, () => row());
      const tooMany = await upload(csv([HEADER, ...many]), sales1, '?dryRun=true');
      expect(tooMany.status).toBe(400);
      expect((await errorOf(tooMany))?.message).toMatch(/more than 30 rows/);
      const tooManyXlsx = await upload(await xlsx([HEADER, ...many]), sales1, '?dryRun=true');
      expect(tooManyXlsx.status).toBe(400);
    });

    it('T8: refuses a file over the size limit (413): by its Content-Length unread, and streamed without one as soon as it passes', async () => {
      const big = Buffer.alloc(200 * 1024, 'a');
      const declared = await rawPost(big, { 'content-length': String(big.length) });
      expect(declared.status).toBe(413);
      expect(JSON.parse(declared.body).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
      const streamed = await rawPost(big, { 'transfer-encoding': 'chunked' });
      expect(streamed.status).toBe(413);
    });

    /** A POST written in chunks through node:http; the answer may come before the body is all sent. */
    function rawPost(body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: string }> {
      return new Promise((resolve, reject) => {
        const req = request(`${base}/import/customers`, { method: 'POST', headers: { authorization: `Bearer ${sales1}`, ...headers } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', (err) => (err.message.includes('EPIPE') || err.message.includes('ECONNRESET') ? undefined : reject(err)));
        for (let i = 0; i < body.length; i += 16 * 1024) req.write(body.subarray(i, i + 16 * 1024));
        req.end();
      });
    }
  });

  describe('export', () => {
    it('T8: refuses without a token (401)', async () => {
      expect((await exportFile('csv', undefined)).status).toBe(401);
      expect((await exportFile('xlsx', 'not-a-token')).status).toBe(401);
    });

    it('T8: exports CSV with a UTF-8 BOM, Chinese headers and the customers query’s rows, formula-like cells neutralised', async () => {
      const mine = await createCustomer(app, 'sales3', { source: '=HYPERLINK("http://evil")' });
      const res = await exportFile('csv', await app.login('sales3'));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
      expect(lines[0]?.split(',').slice(0, 8)).toEqual(['编号', '客户名称', '商号', '阶段', '状态', '负责人', '详细地址', '行业']);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain(mine.id);
      expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    });

    it('T8: a salesperson’s export holds what their customers query returns: their own by default, others’ public cards only with scope ALL (P8)', async () => {
      const token = await app.login('sales2');
      const { customers: list } = await app.ok<{ customers: { edges: { node: { id: string } }[] } }>(
        `{ customers(first: 100, filter: { scope: ALL }) { edges { node { id } } } }`,
        {},
        token,
      );
      const rows = (await readXlsx(await (await exportFile('xlsx', token, '?scope=ALL')).arrayBuffer())).slice(1);
      expect(rows.map((r) => r[0])).toEqual(list.edges.map((e) => e.node.id));
      const sales2Id = (await app.services.users.viewerForToken(sales2)).id;
      const own = await app.database.db.select().from(customers).where(eq(customers.custodianId, sales2Id));
      for (const r of rows) {
        const visible = own.some((c) => c.id === r[0]);
        // Beside the card (id, name, trade name, stage, state, custodian): details only of their own.
        expect(
          r.slice(6).some((cell) => cell !== ''),
          `row ${r[1]}`,
        ).toBe(visible);
      }
      const mineOnly = (await readXlsx(await (await exportFile('xlsx', token)).arrayBuffer())).slice(1);
      expect(mineOnly.map((r) => r[0]).sort()).toEqual(own.map((c) => c.id).sort());
      const refused = await exportFile('csv', token, '?scope=ALL&industry=电子');
      expect(refused.status).toBe(403);
      expect((await errorOf(refused))?.extensions.code).toBe('FORBIDDEN');
      expect((await exportFile('csv', token, '?colour=red')).status).toBe(400);
    });

    it('T8: an exported XLSX has the headers an import reads: imported back, every row is a duplicate of its customer', async () => {
      const file = Buffer.from(await (await exportFile('xlsx', manager, '?orderBy=NAME')).arrayBuffer());
      const rows = await readXlsx(file.buffer.slice(file.byteOffset, file.byteOffset + file.length));
      expect(rows[0]).toContain('客户名称');
      const result = await report(await upload(file, manager, '?dryRun=true'));
      expect(result.rows).toBe(rows.length - 1);
      expect(result.counts.DUPLICATE).toBe(result.rows);
      expect(result.report.every((r) => r.duplicateOf && 'customerId' in r.duplicateOf)).toBe(true);
    });
  });
});
