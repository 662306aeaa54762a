/**
 * P6: confirming a contract hands the customer to an after-sales person chosen by the policy
 * (`contract.afterSales`): the least loaded active AFTER_SALES user (default), the next one in
 * turn, or a named one. With nobody to take it the confirmation still succeeds and the customer is
 * listed by `unassignedFormalCustomers` for managers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { draftContract } from '../../support/contracts.js';
import { intentCustomer, viewerFor } from '../../support/customers.js';
import { policyWith } from '../../support/policy.js';
import { rowOf } from '../../support/races.js';

const CONFIRM = `mutation($id: ID!) { confirmContract(id: $id) { id state } }`;
const UNASSIGNED = `{ unassignedFormalCustomers(first: 50) { totalCount edges { node { id name stage } } } }`;
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
  const admin = await viewerFor(app, 'admin');
  for (const username of ['aftersales2', 'aftersales3']) {
    await app.services.users.create(admin, { username, displayName: username, password: 'after-sales-pass-1', roles: ['AFTER_SALES'] });
  }
});

afterAll(async () => {
  await app.close();
});

/** Confirms a contract of a fresh intent customer of sales1; returns the customer's custodian's username (or null). */
async function confirmOne(): Promise<{ customerId: string; custodian: string | null }> {
  const c = await intentCustomer(app, 'sales1');
  const token = await app.login('sales1');
  const { id } = await draftContract(app, c.id, token);
  expect((await app.ok(CONFIRM, { id }, token)).confirmContract.state).toBe('confirmed');
  const row = await rowOf(app, c.id);
  expect(row.stage).toBe('FORMAL');
  const custodian = row.custodianId ? (await app.services.users.byId(row.custodianId)).username : null;
  return { customerId: c.id, custodian };
}

async function setActive(username: string, active: boolean) {
  const admin = await viewerFor(app, 'admin');
  const [user] = (await app.services.users.list(admin, { first: 100 })).nodes.filter((u) => u.username === username);
  await app.services.users.update(admin, user!.id, { active });
}

describe('P6 hand-over to after-sales', () => {
  it('should hand each new formal customer to the least loaded after-sales person (default), ties by username', async () => {
    app.services.setPolicy(policyWith({}));
    const taken = [(await confirmOne()).custodian, (await confirmOne()).custodian, (await confirmOne()).custodian];
    // aftersales1, 2 and 3 hold nothing yet: one each, in username order.
    expect(taken).toEqual(['aftersales1', 'aftersales2', 'aftersales3']);
  });

  it('should take turns with ROUND_ROBIN, after the last hand-over', async () => {
    app.services.setPolicy(policyWith({ contract: { afterSales: { mode: 'ROUND_ROBIN', username: null } } }));
    try {
      const taken = [(await confirmOne()).custodian, (await confirmOne()).custodian, (await confirmOne()).custodian];
      expect(taken).toEqual(['aftersales1', 'aftersales2', 'aftersales3']);
    } finally {
      app.services.setPolicy(policyWith({}));
    }
  });

  it('should leave the customer unassigned when the named after-sales person is inactive, and list it for managers only', async () => {
    app.services.setPolicy(policyWith({ contract: { afterSales: { mode: 'USER', username: 'aftersales2' } } }));
    await setActive('aftersales2', false);
    try {
      const { customerId, custodian } = await confirmOne();
      expect(custodian).toBeNull();
      const { unassignedFormalCustomers } = await app.ok(UNASSIGNED, {}, await app.login('manager1'));
      expect(unassignedFormalCustomers.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(customerId);
      expect((await app.fails(UNASSIGNED, {}, await app.login('sales1'))).extensions?.code).toBe('FORBIDDEN');
    } finally {
      await setActive('aftersales2', true);
      app.services.setPolicy(policyWith({}));
    }
  });

  it('should let the salesperson who signed keep reading the customer, its history and the contract after the hand-over (P6, P8)', async () => {
    const c = await intentCustomer(app, 'sales1');
    const token = await app.login('sales1');
    const { id } = await draftContract(app, c.id, token);
    await app.ok(CONFIRM, { id }, token);
    const READ = `query($c: ID!, $k: ID!) { customer(id: $c) { stage address custodian { username } history(first: 5) { totalCount } } contract(id: $k) { id state } }`;
    const read = await app.ok(READ, { c: c.id, k: id }, token);
    expect(read.customer).toMatchObject({ stage: 'FORMAL', custodian: { username: 'aftersales1' } });
    expect(read.customer.address).toEqual(expect.any(String));
    expect(read.customer.history.totalCount).toBeGreaterThan(0);
    expect(read.contract).toEqual({ id, state: 'confirmed' });
    // Another salesperson still sees only the public card.
    const other = await app.execute(READ, { c: c.id, k: id }, { token: await app.login('sales2') });
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('should still confirm when no after-sales person is active at all', async () => {
    for (const u of ['aftersales1', 'aftersales2', 'aftersales3']) await setActive(u, false);
    try {
      expect((await confirmOne()).custodian).toBeNull();
    } finally {
      for (const u of ['aftersales1', 'aftersales2', 'aftersales3']) await setActive(u, true);
    }
  });
});
