/**
 * P7: a claim is one read and one write. The row and the facts its rules select (P5's
 * cool-down) are read in one statement; the row and its CLAIM history row are written in one
 * statement that applies only if the row's version is still the one read. When a cap or a daily
 * limit is set, P7 reads its facts behind a per-person lock, so the claim takes the locked path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { poolCustomer } from '../../support/customers.js';
import { policyWith } from '../../support/policy.js';
import { historyOf } from '../../support/races.js';

const CLAIM = `mutation($id: ID!) { claimCustomer(id: $id) { id state version } }`;
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

/** The statements a claim through GraphQL runs, by first word, once the claimer's token is known to the app. */
async function claimStatements(id: string, token: string): Promise<string[]> {
  const statements: string[] = [];
  const stop = app.database.onQuery((q) => statements.push(q.trim().toLowerCase()));
  try {
    const { claimCustomer } = await app.ok(CLAIM, { id }, token);
    expect(claimCustomer).toMatchObject({ id, state: 'prospect.protected' });
  } finally {
    stop();
  }
  return statements;
}

describe('a claim in as few statements as it needs (P7)', () => {
  it('should read once and write once with the default policy, recording one history row', async () => {
    const token = await app.login('sales2');
    await app.ok('{ me { id } }', {}, token);
    const customer = await poolCustomer(app, 'sales3');
    const statements = await claimStatements(customer.id, token);
    expect(statements.map((q) => q.split(/\s+/)[0])).toEqual(['select', 'with']);
    expect(statements.join(' ')).not.toContain('for update');
    const claims = (await historyOf(app, customer.id)).filter((h) => h.event === 'CLAIM');
    expect(claims).toHaveLength(1);
  });

  it('should still refuse the claim of someone in their cool-down, from the facts read with the row (P5)', async () => {
    const customer = await poolCustomer(app, 'sales3');
    const error = await app.fails(CLAIM, { id: customer.id }, await app.login('sales3'));
    expect(error.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    expect(error.message).toMatch(/cool-down/);
  });

  it('should take the locked path while a holding cap is set, and still claim', async () => {
    app.services.setPolicy(policyWith({ customer: { maxCustomersPerSales: 50 } }));
    try {
      const token = await app.login('sales2');
      const customer = await poolCustomer(app, 'sales3');
      const statements = await claimStatements(customer.id, token);
      // The row locked, then P7's per-person lock and counts, then the write.
      expect(statements[0]).toMatch(/for update of "customers"$/);
      expect(statements.filter((q) => q.includes('for update'))).toHaveLength(2);
      expect(statements.at(-1)).toMatch(/^with/);
    } finally {
      app.services.setPolicy(policyWith({}));
    }
  });
});
