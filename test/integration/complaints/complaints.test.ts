/**
 * V4 (issue 18 §4): complaints on their machine — logged by who sees the customer (P8), handled
 * by after-sales (open → inProgress → resolved → closed, reopen), handed over by a manager, closed
 * by themselves after policy complaint.autoCloseAfter — with first-contact resolution counted, the
 * refusals, every transition in history, and the report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { protectedCustomer } from '../../support/customers.js';

const FIELDS = `id state version subject resolution resolvedOnFirstContact resolvedAt closedAt handler { username } openedBy { username } availableActions { event }`;
const OPEN = `mutation($i: OpenComplaintInput!) { openComplaint(input: $i) { ${FIELDS} } }`;
const act = (name: string, args = '', vars = '') => `mutation($id: ID!${vars}) { ${name}(id: $id${args}) { ${FIELDS} } }`;
const START = act('startComplaint');
const RESOLVE = act('resolveComplaint', ', resolution: $r', ', $r: String!');
const CLOSE = act('closeComplaint');
const REOPEN = act('reopenComplaint', ', reason: $r', ', $r: String!');
const REASSIGN = act('reassignComplaint', ', handlerId: $h, reason: $r', ', $h: ID!, $r: String!');

describe('complaints (V4)', () => {
  let app: TestApp;
  let customerId: string;
  const token = (u: string) => app.login(u);
  const input = (overrides: Record<string, unknown> = {}) => ({
    customerId,
    channel: 'PHONE',
    category: 'QUALITY',
    severity: 'HIGH',
    subject: '空调机组噪音过大',
    description: '客户反映新装机组运行噪音明显，影响办公。',
    ...overrides,
  });
  const open = async (overrides: Record<string, unknown> = {}) => (await app.ok(OPEN, { i: input(overrides) }, await token('sales1'))).openComplaint;
  const count = async () => (await app.database.rows<{ n: number }>(app.database.db, sql`select count(*)::int as n from complaints`))[0]?.n;
  const events = async (id: string) =>
    (await app.database.rows<{ event: string }>(app.database.db, sql`select event from transitions where entity_id = ${id} order by id`)).map((r) => r.event);

  const told = async (kind: string, subjectId: string) =>
    (
      await app.database.rows<{ username: string }>(
        app.database.db,
        sql`select u.username from notifications n join users u on u.id = n.recipient_id where n.kind = ${kind} and n.subject_id = ${subjectId} order by n.transition_id`,
      )
    ).map((r) => r.username);

  beforeAll(async () => {
    app = await startTestApp();
    customerId = (await protectedCustomer(app, 'sales1')).id;
    const admin = await token('admin');
    const user = { username: 'aftersales2', displayName: '赵售后', password: 'aftersales2-pw-1', roles: ['AFTER_SALES'] };
    await app.ok(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, { i: user }, admin);
  });
  afterAll(async () => app?.close());

  it('V4: should run a complaint from open to closed through its handler and who logged it, resolved on first contact, each step in history', async () => {
    const c = await open();
    expect(c).toMatchObject({ state: 'open', handler: { username: 'aftersales1' }, openedBy: { username: 'sales1' }, resolvedOnFirstContact: null });
    expect((await app.fails(RESOLVE, { id: c.id, r: '已处理' }, await token('sales1'))).extensions).toMatchObject({ code: 'FORBIDDEN' });
    const started = (await app.ok(START, { id: c.id }, await token('aftersales1'))).startComplaint;
    expect(started.availableActions.map((a: { event: string }) => a.event)).toEqual(['RESOLVE']);
    expect((await app.fails(START, { id: c.id }, await token('aftersales1'))).extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', state: 'inProgress' });
    const resolved = (await app.ok(RESOLVE, { id: c.id, r: '更换减震垫后噪音恢复正常' }, await token('aftersales1'))).resolveComplaint;
    expect(resolved).toMatchObject({ state: 'resolved', resolution: '更换减震垫后噪音恢复正常', resolvedOnFirstContact: true });
    const closed = (await app.ok(CLOSE, { id: c.id }, await token('sales1'))).closeComplaint;
    expect(closed.state).toBe('closed');
    expect(closed.closedAt).not.toBeNull();
    expect(await events(c.id)).toEqual(['CREATE', 'START', 'RESOLVE', 'CLOSE']);
    // N1: the handler was told when it was logged for them.
    expect(await told('COMPLAINT_ASSIGNED', c.id)).toEqual(['aftersales1']);
  });

  it('V4: should not count a reopened or handed-over complaint as resolved on first contact', async () => {
    const reopened = await open({ category: 'DELIVERY' });
    await app.ok(RESOLVE, { id: reopened.id, r: '已重新安排送货' }, await token('aftersales1')); // straight from open
    await app.ok(REOPEN, { id: reopened.id, r: '货物仍未送到' }, await token('sales1'));
    const again = (await app.ok(RESOLVE, { id: reopened.id, r: '货物已签收' }, await token('aftersales1'))).resolveComplaint;
    expect(again).toMatchObject({ state: 'resolved', resolvedOnFirstContact: false });
    const handed = await open({ category: 'SERVICE' });
    const manager = await token('manager1');
    expect(
      (await app.fails(REASSIGN, { id: handed.id, h: (await app.services.users.viewerForToken(await token('sales2'))).id, r: '换人处理' }, manager)).extensions,
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    const to = (await app.services.users.viewerForToken(await app.login('aftersales2', 'aftersales2-pw-1'))).id;
    const moved = (await app.ok(REASSIGN, { id: handed.id, h: to, r: '区域售后负责' }, manager)).reassignComplaint;
    expect(moved.handler).toEqual({ username: 'aftersales2' });
    expect(await told('COMPLAINT_ASSIGNED', handed.id)).toEqual(['aftersales1', 'aftersales2']);
    expect((await app.fails(RESOLVE, { id: handed.id, r: '已处理' }, await token('aftersales1'))).extensions).toMatchObject({ code: 'FORBIDDEN' });
    const done = (await app.ok(RESOLVE, { id: handed.id, r: '已上门道歉并培训' }, await app.login('aftersales2', 'aftersales2-pw-1'))).resolveComplaint;
    expect(done.resolvedOnFirstContact).toBe(false);
  });

  it('V4/P8: should refuse who may not see the customer, bad text and a wrong handler, writing nothing', async () => {
    const before = await count();
    expect((await app.fails(OPEN, { i: input() }, await token('sales2'))).extensions).toMatchObject({ code: 'FORBIDDEN' });
    const long = await app.fails(OPEN, { i: input({ subject: '噪'.repeat(201) }) }, await token('sales1'));
    expect(long.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { 'input.subject': expect.stringMatching(/at most 200/) } });
    const short = await app.fails(OPEN, { i: input({ subject: '噪', description: '吵' }) }, await token('sales1'));
    expect(short.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.subject': expect.stringMatching(/at least 2/), 'input.description': expect.stringMatching(/at least 5/) },
    });
    const sales2 = (await app.services.users.viewerForToken(await token('sales2'))).id;
    expect((await app.fails(OPEN, { i: input({ handlerId: sales2 }) }, await token('sales1'))).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.handlerId': 'must be an active AFTER_SALES user' },
    });
    const c = await open();
    expect((await app.fails(CLOSE, { id: c.id }, await token('sales1'))).extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', state: 'open' });
    expect(await count()).toBe((before ?? 0) + 1);
    // E6: nothing is hard-deleted, not even by a script.
    await expect(app.database.db.execute(sql`delete from complaints where id = ${c.id}`)).rejects.toThrow();
    expect(await count()).toBe((before ?? 0) + 1);
  });

  it('V4: should close a resolved complaint by itself after the policy term, and refuse to reopen it once too long closed', async () => {
    const aftersales1 = (await app.services.users.viewerForToken(await token('aftersales1'))).id;
    const c = await open({ category: 'BILLING', handlerId: aftersales1 });
    await app.ok(RESOLVE, { id: c.id, r: '已开具红字发票' }, await token('aftersales1'));
    app.clock.advance(8 * DAY);
    await app.services.sweeper.sweepOnce();
    const row = (await app.ok(`query($id: ID!) { complaint(id: $id) { state closedAt } }`, { id: c.id }, await token('manager1'))).complaint;
    expect(row.state).toBe('closed');
    expect(row.closedAt).not.toBeNull();
    expect((await events(c.id)).at(-1)).toBe('AUTO_CLOSE');
    app.clock.advance(31 * DAY);
    expect((await app.fails(REOPEN, { id: c.id, r: '发票仍有误' }, await token('sales1'))).extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('V4: should report complaints per day and category, the first-contact resolution rate and the overdue ones', async () => {
    const manager = await token('manager1');
    const from = new Date(app.clock().getTime() - 60 * DAY).toISOString();
    const to = new Date(app.clock().getTime() + DAY).toISOString();
    const report = (
      await app.ok(
        `query($f: DateTime!, $t: DateTime!) { complaintReport(from: $f, to: $t) { perDay { period value } byCategory { label count } resolved firstContactResolutionRate overdue } }`,
        { f: from, t: to },
        manager,
      )
    ).complaintReport;
    expect(report.perDay.reduce((a: number, d: { value: number }) => a + d.value, 0)).toBe(5);
    expect(report.byCategory).toEqual([
      { label: 'QUALITY', count: 2 },
      { label: 'BILLING', count: 1 },
      { label: 'DELIVERY', count: 1 },
      { label: 'SERVICE', count: 1 },
    ]);
    // Resolved: the first (first contact), the reopened one and the handed-over one (not), the billing one (first contact).
    expect(report).toMatchObject({ resolved: 4, firstContactResolutionRate: 0.5, overdue: 1 });
    expect(
      (await app.fails(`query($f: DateTime!, $t: DateTime!) { complaintReport(from: $f, to: $t) { overdue } }`, { f: from, t: to }, await token('sales1')))
        .extensions,
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
    const list = await app.ok(
      `query($c: ID!) { customer(id: $c) { complaints { category state } } complaints(filter: { overdue: true }) { totalCount } }`,
      { c: customerId },
      manager,
    );
    expect(list.customer.complaints).toHaveLength(5);
    expect(list.complaints.totalCount).toBe(1);
  });
});
