/**
 * T8: how long importing N customers (default 10,000) from one CSV file takes over HTTP, on a
 * fresh PostgreSQL database (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local one): a
 * dry run, then the import itself, then the same file again (every row a duplicate). Standalone:
 *
 *   npx tsx bench/import-customers.ts [rows]
 */
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app.js';
import { DEMO_PASSWORD } from '../src/demo/seed.js';
import { createBenchDatabase } from './lib.js';

const HEADER = ['客户名称', '详细地址', '行业', '电话', '简介', '联系人', '联系人手机'];

/** N distinct registered names (two-character trade names from the CJK block), phones and mobiles. */
function file(n: number): Buffer {
  const lines = [HEADER.join(',')];
  for (let i = 0; i < n; i++) {
    const trade = String.fromCharCode(0x4e00 + (i % 2000)) + String.fromCharCode(0x5e00 + Math.floor(i / 2000)) + String.fromCharCode(0x6000 + (i % 97));
    lines.push(
      [
        `苏州市${trade}电子有限公司`,
        '江苏省苏州市工业园区星湖街328号',
        '电子',
        `0512-6${String(i).padStart(7, '0')}`,
        '生产电子元器件的制造企业，年产值约一亿元。',
        '李明',
        `137${String(i).padStart(8, '0')}`,
      ].join(','),
    );
  }
  return Buffer.from('\uFEFF' + lines.join('\r\n') + '\r\n', 'utf8');
}

/** A POST through node:http, which (unlike fetch) waits for a slow answer as long as it takes. */
function post(url: string, body: Buffer, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-length': String(body.length) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 10_000);
  const database = await createBenchDatabase('import');
  const app = await createApp({
    databaseUrl: database.url,
    jwtSecret: 'bench-secret-0123456789abcdef0123456789abcdef',
    seedDemo: true,
    seedDemoCustomers: false,
    sweepIntervalMs: 0,
    transferLimits: { maxRows: rows, maxBytes: 100 * 1_048_576 },
  });
  try {
    const base = (await app.listen(0, '127.0.0.1')).replace(/\/graphql$/, '');
    const { token } = await app.services.users.login('sales1', DEMO_PASSWORD);
    const body = file(rows);
    const run = async (label: string, query: string) => {
      const start = performance.now();
      const res = await post(`${base}/import/customers${query}`, body, token);
      const report = JSON.parse(res.body) as { counts?: Record<string, number> };
      console.log(`${label}: HTTP ${res.status} in ${((performance.now() - start) / 1000).toFixed(1)} s`, JSON.stringify(report.counts));
    };
    console.log(`${rows} rows, ${(body.length / 1_048_576).toFixed(1)} MB CSV, PostgreSQL ${database.name}`);
    await run('dry run', '?dryRun=true');
    await run('import', '');
    await run('again (all duplicates)', '?dryRun=true');
  } finally {
    await app.close();
    await database.drop();
  }
}

await main();
