/**
 * Issue 13 §6: an application's checklist is frozen at its decision and never computed against a
 * record its reader may not see (P8, E2). A former applicant reading an old decided application
 * sees the stored checklist, not the current custodian's data.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applications } from '../../../src/platform/db/schema.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createCustomer, pendingApplication, viewerFor } from '../../support/customers.js';

const GET = `query($id: ID!) { application(id: $id) { id status checklist { code passed detail } } }`;
type Item = { code: string; passed: boolean; detail: string | null };

describe('the application checklist (P8: frozen at the decision)', () => {
  let app: TestApp;
  const t = (u: string) => app.login(u);
  const address = (items: Item[]) => items.find((i) => i.code === 'ADDRESS')?.detail;

  /** sales1's customer whose PROTECTION application is decided (or not), then given to sales2, who corrects the address. */
  async function handedOver(decide: 'approve' | 'reject' | 'withdraw' | null) {
    const c = await createCustomer(app, 'sales1', { address: '江苏省靖江市人民路88号' });
    const a = await pendingApplication(app, c.id);
    const auditor = await viewerFor(app, 'auditor1');
    if (decide === 'approve') await app.services.applicationDecisions.approve(auditor, a.id, 'ok');
    if (decide === 'reject') await app.services.applicationDecisions.reject(auditor, a.id, '地址不完整，请补充门牌号');
    if (decide === 'withdraw') await app.services.applicationDecisions.withdraw(await viewerFor(app, 'sales1'), a.id);
    const sales2 = await viewerFor(app, 'sales2');
    const moved = await app.services.customers.transfer(await viewerFor(app, 'manager1'), c.id, sales2.id, '人员调整');
    await app.services.customers.update(sales2, c.id, { address: '江苏省泰州市新的秘密地址66号' } as never, moved.version);
    return a.id;
  }

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  it.each(['approve', 'reject', 'withdraw'] as const)(
    'should show a former applicant the checklist stored when the application was closed (%s), not the current custodian’s address',
    async (decide) => {
      const id = await handedOver(decide);
      const result = await app.execute(GET, { id }, { token: await t('sales1') });
      expect(result.errors).toBeUndefined();
      const items = (result.data?.application as { checklist: Item[] }).checklist;
      expect(address(items)).toBe('江苏省靖江市人民路88号');
      expect(JSON.stringify(items)).not.toContain('秘密');
      // The auditor reads the same frozen checklist: it is what was decided on.
      expect(address((await app.ok(GET, { id }, await t('auditor1'))).application.checklist)).toBe('江苏省靖江市人民路88号');
    },
  );

  it('should store the checklist on the application row when decided, and not while pending', async () => {
    const c = await createCustomer(app, 'sales1');
    const a = await pendingApplication(app, c.id);
    expect((await app.services.applications.get(a.id)).checklist).toBeNull();
    await app.services.applicationDecisions.approve(await viewerFor(app, 'auditor1'), a.id, 'ok');
    const stored = (await app.services.applications.get(a.id)).checklist;
    expect(stored?.map((i) => i.code)).toEqual(expect.arrayContaining(['FULL_NAME', 'ADDRESS', 'CONTACT_NUMBER', 'NOT_PROTECTED_ELSEWHERE']));
  });

  it('should refuse a pending application’s live checklist to a former applicant (FORBIDDEN, P8) but compute it for the auditor', async () => {
    const id = await handedOver(null);
    const result = await app.execute(GET, { id }, { token: await t('sales1') });
    expect(result.data?.application).toMatchObject({ id, status: 'PENDING', checklist: null });
    expect(result.errors?.map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.rule])).toEqual([['application.checklist', 'FORBIDDEN', 'P8']]);
    expect(address((await app.ok(GET, { id }, await t('auditor1'))).application.checklist)).toBe('江苏省泰州市新的秘密地址66号');
  });

  it('should refuse a closed application without a stored checklist (decided before the column existed) to a reader who may not see the customer', async () => {
    const id = await handedOver('approve');
    await app.database.db.update(applications).set({ checklist: null }).where(eq(applications.id, id));
    const e = await app.fails(GET, { id }, await t('sales1'));
    expect(e.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'P8' });
    expect(e.path).toEqual(['application', 'checklist']);
  });
});
