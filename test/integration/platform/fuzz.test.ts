import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, startTestApp, type TestApp } from '../../support/app.js';
import { draftContract } from '../../support/contracts.js';
import { createCustomer, intentCustomer, pendingApplication, protectedCustomer } from '../../support/customers.js';
import { fuzzCases, loadSchema, type FuzzCase } from '../../support/fuzz.js';

interface Outcome {
  status: number;
  ms: number;
  codes: string[];
}

/**
 * Issue 15 §1: every argument of the schema with every hostile value of its type, over HTTP, as
 * a user holding every role (so role checks do not stop the value early) and anonymously.
 * No answer is an INTERNAL_SERVER_ERROR or an HTTP 500, each comes within a second (a slow one
 * is sent again once, so a pause of the machine is not taken for a hang), and afterwards the
 * records still agree with their history. Runs on the embedded database (CI's bounded time).
 */
describe.skipIf(onPostgres)('fuzzing every argument of the schema', () => {
  let app: TestApp;
  let url: string;
  let token: string;
  const ids: Record<string, string> = {};

  const send = async (body: string, auth?: string): Promise<Outcome> => {
    const started = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      body,
    });
    const text = await res.text();
    let codes: string[] = [];
    try {
      codes = ((JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] }).errors ?? []).map((e) => e.extensions?.code ?? '');
    } catch {
      codes = ['NOT_JSON'];
    }
    return { status: res.status, ms: performance.now() - started, codes };
  };

  /** The id an argument most likely names, so that the value under attack reaches the domain. */
  const idFor = (name: string, field: string): string => {
    const subject = `${name} ${field}`.toLowerCase();
    for (const kind of ['contact', 'contract', 'application', 'product', 'user', 'customer']) {
      if (subject.includes(kind) && ids[kind]) return ids[kind]!;
    }
    return ids.customer!;
  };

  beforeAll(async () => {
    app = await startTestApp();
    url = await app.listen(0, '127.0.0.1');
    const admin = await app.login('admin');
    const created = await app.ok(
      `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
      {
        i: {
          username: 'fuzzer',
          displayName: '模糊测试',
          password: 'Fuzz-all-roles-2026',
          roles: ['SALES', 'AUDITOR', 'AFTER_SALES', 'MANAGER', 'DESIGNER', 'ADMIN'],
        },
      },
      admin,
    );
    ids.user = created.createUser.id;
    token = (await app.ok(`mutation { login(username: "fuzzer", password: "Fuzz-all-roles-2026") { token } }`)).login.token;
    const customer = await protectedCustomer(app, 'sales1');
    ids.customer = customer.id;
    const intent = await intentCustomer(app, 'sales1');
    ids.contract = (await draftContract(app, intent.id, await app.login('sales1'))).id;
    ids.application = (await pendingApplication(app, (await createCustomer(app, 'sales2')).id)).id;
    const detail = await app.ok(`query($id: ID!) { customer(id: $id) { contacts { id } } }`, { id: customer.id }, await app.login('sales1'));
    ids.contact = detail.customer.contacts[0].id;
    const product = await app.ok(
      `mutation { createProduct(input: { name: "模糊测试产品", unit: "台", code: "FUZZ-1", listPrice: "100.00" }) { id } }`,
      {},
      await app.login('manager1'),
    );
    ids.product = product.createProduct.id;
  });
  afterAll(async () => app?.close());

  it('should answer every hostile argument without an internal error, within a second, and keep every record consistent', async () => {
    const cases = [...fuzzCases(loadSchema(), idFor)];
    const failures: string[] = [];
    const slow: string[] = [];
    const tried = async (c: FuzzCase, auth?: string) => {
      let outcome = await send(c.body, auth);
      if (outcome.ms >= 1_000) outcome = await send(c.body, auth);
      if (outcome.ms >= 1_000) slow.push(`${c.label}: ${Math.round(outcome.ms)} ms`);
      if (outcome.status >= 500 || outcome.codes.includes('INTERNAL_SERVER_ERROR') || outcome.codes.includes('NOT_JSON')) {
        failures.push(`${c.label} → HTTP ${outcome.status} ${outcome.codes.join(',')} (${c.body.slice(0, 160)})`);
      }
    };
    for (const c of cases) await tried(c, token);
    // Anonymous callers reach the same boundary (login, for one, takes text without a token).
    for (const c of cases.filter((x) => x.label.startsWith('Mutation.login') || x.label.startsWith('Query.duplicateCheck'))) await tried(c);
    console.log(`fuzz: ${cases.length} cases over ${new Set(cases.map((c) => c.label.split('(')[0])).size} fields`);
    expect(failures).toEqual([]);
    expect(slow).toEqual([]);
    expect(cases.length).toBeGreaterThan(1_000);

    const count = async (query: ReturnType<typeof sql>) => {
      const result: unknown = await app.database.db.execute(query);
      return (Array.isArray(result) ? result : ((result as { rows: unknown[] }).rows ?? [])).length;
    };
    for (const table of ['customers', 'applications', 'contracts']) {
      const disagree = await count(
        sql.raw(
          `select e.id from ${table} e left join lateral (select to_state from transitions t where t.entity_id = e.id order by t.id desc limit 1) h on true where h.to_state is distinct from e.state`,
        ),
      );
      expect(disagree, `${table}: state = last history row`).toBe(0);
    }
    expect(
      await count(sql`select c.id from contracts c where c.paid <> coalesce((select sum(p.amount) from payments p where p.contract_id = c.id), 0)`),
      'paid = Σ payments',
    ).toBe(0);
    expect(
      await count(sql`select id from customers where stage in ('PROSPECT', 'INTENT') and custodian_id is null`),
      'a protected customer has its one custodian',
    ).toBe(0);
  });
});
