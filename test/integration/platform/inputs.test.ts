import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';

describe('inputs as front ends and people write them (platform)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  it('should refuse a malformed id argument with BAD_USER_INPUT naming it, not an internal error', async () => {
    const token = await app.login('manager1');
    const e = await app.fails(`{ customer(id: "nope") { id } }`, {}, token);
    expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { id: 'is not a valid id' } });
    const t = await app.fails(`mutation { transferCustomer(id: "", toUserId: "00000000-0000-0000-0000-00000000000x", reason: "调岗") { id } }`, {}, token);
    expect(t.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { id: 'is not a valid id', toUserId: 'is not a valid id' } });
  });

  it('should still answer NOT_FOUND for a well-formed id that names nothing', async () => {
    const e = await app.fails(`{ customer(id: "00000000-0000-4000-8000-000000000000") { id } }`, {}, await app.login('manager1'));
    expect(e.extensions?.code).toBe('NOT_FOUND');
  });

  it('should take JSON written inline in the query exactly as JSON sent in variables', async () => {
    const designer = await app.login('designer1');
    const inline = await app.ok(
      `mutation { updatePolicies(workflow: "customer", changes: { customer: { warnBefore: "P2D" } }, expectedVersion: 0, note: "inline") { policyVersion policies } }`,
      {},
      designer,
    );
    expect(inline.updatePolicies).toMatchObject({ policyVersion: 1, policies: { customer: { warnBefore: 'P2D' } } });
    const viaVariables = await app.ok(
      `mutation($c: JSON!) { updatePolicies(workflow: "customer", changes: $c, expectedVersion: 1, note: "variables") { policyVersion } }`,
      { c: { customer: { warnBefore: 'P3D' } } },
      designer,
    );
    expect(viaVariables.updatePolicies.policyVersion).toBe(2);
    const history = await app.ok(`{ policyHistory(workflow: "customer") { changes } }`, {}, designer);
    expect(history.policyHistory.map((h: { changes: unknown }) => h.changes)).toEqual([
      { customer: { warnBefore: 'P3D' } },
      { customer: { warnBefore: 'P2D' } },
    ]);
  });
});
