/**
 * N1 (issue 16 §3): notifications are written in the transaction of their cause, to the people
 * it needs, and read, paged and marked read only by their recipient.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications, transitions, users } from '../../../src/platform/db/schema.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { actorFor, createCustomer, pendingApplication, protectedCustomer, sendCustomer, viewerFor } from '../../support/customers.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
  // T1: sales3 in 销售二部; manager2, a department manager, in 销售一部 (manager1 stays in the root: reaches all).
  const admin = await viewerFor(app, 'admin');
  const [one, two] = [await app.services.departments.create(admin, { name: '销售一部' }), await app.services.departments.create(admin, { name: '销售二部' })];
  await app.services.users.moveUser(admin, await idOf('manager2'), one.id);
  await app.services.users.moveUser(admin, await idOf('sales3'), two.id);
});

afterAll(async () => app?.close());

const idOf = async (username: string) => (await app.database.db.select({ id: users.id }).from(users).where(eq(users.username, username)))[0]!.id;

/** The notifications of a user about a subject, oldest first. */
async function told(username: string, subjectId: string) {
  const recipient = await idOf(username);
  return (await app.database.db.select().from(notifications).where(eq(notifications.recipientId, recipient)).orderBy(notifications.createdAt)).filter(
    (n) => n.subjectId === subjectId,
  );
}

const INBOX = `query($first: Int, $after: String, $unreadOnly: Boolean) {
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly) { totalCount edges { cursor node { id kind subjectType subjectId customerId textZh textEn readAt } } pageInfo { hasNextPage endCursor } }
  unreadNotificationCount }`;

describe('notifications written with their cause (N1)', () => {
  it('should tell the auditors, not the applicant, of a new application, linked to its CREATE history row (A1)', async () => {
    const customer = await createCustomer(app, 'sales1', { name: '杭州通知测试科技有限公司' });
    const application = await pendingApplication(app, customer.id);
    const [auditorNote] = await told('auditor1', application.id);
    expect(auditorNote).toMatchObject({ kind: 'APPLICATION_SUBMITTED', subjectType: 'application', customerId: customer.id, readAt: null });
    expect(auditorNote!.textZh).toContain('杭州通知测试科技有限公司');
    const [cause] = await app.database.db.select().from(transitions).where(eq(transitions.id, auditorNote!.transitionId!));
    expect(cause).toMatchObject({ entityId: application.id, event: 'CREATE' });
    expect(await told('sales1', application.id)).toEqual([]);
    expect(await told('manager1', application.id)).toEqual([]);
  });

  it('should tell the applicant of a rejection with its reason, and write nothing for a refused decision (A2, A3)', async () => {
    const customer = await createCustomer(app, 'sales2');
    const application = await pendingApplication(app, customer.id);
    const before = await app.database.db.select({ n: sql<number>`count(*)::int` }).from(notifications);
    // The applicant may not decide: refused, and no notification without its cause.
    await expect(app.services.applicationDecisions.approve(await viewerFor(app, 'sales2'), application.id, 'self')).rejects.toThrow();
    expect(await app.database.db.select({ n: sql<number>`count(*)::int` }).from(notifications)).toEqual(before);
    await app.services.applicationDecisions.reject(await viewerFor(app, 'auditor1'), application.id, '地址不完整');
    const [decided] = await told('sales2', application.id);
    expect(decided).toMatchObject({ kind: 'APPLICATION_DECIDED' });
    expect(decided!.textZh).toContain('地址不完整');
    expect(decided!.textEn).toContain('rejected');
  });

  it('should tell both people of a transfer (P9)', async () => {
    const customer = await protectedCustomer(app, 'sales1');
    await sendCustomer(app, customer.id, { type: 'TRANSFER', toUserId: await idOf('sales3'), reason: '区域调整' }, await actorFor(app, 'manager1'));
    expect((await told('sales1', customer.id)).map((n) => n.kind)).toContain('CUSTOMER_TRANSFERRED');
    expect((await told('sales3', customer.id)).map((n) => n.kind)).toContain('CUSTOMER_TRANSFERRED');
    expect(await told('manager1', customer.id)).toEqual([]);
  });

  it('should warn the custodian once per term before it ends, then tell them when the sweeper returns it to the pool (P2)', async () => {
    const customer = await protectedCustomer(app, 'sales2');
    app.clock.set(new Date(customer.deadlineAt!.getTime() - DAY));
    await app.services.sweeper.sweepOnce();
    await app.services.sweeper.sweepOnce();
    const ending = (await told('sales2', customer.id)).filter((n) => n.kind === 'CUSTODY_ENDING');
    expect(ending).toHaveLength(1);
    expect(ending[0]!.transitionId).toBeNull();
    app.clock.set(new Date(customer.deadlineAt!.getTime() + 1000));
    await app.services.sweeper.sweepOnce();
    const ended = (await told('sales2', customer.id)).filter((n) => n.kind === 'CUSTODY_ENDED');
    expect(ended).toHaveLength(1);
    const [cause] = await app.database.db.select().from(transitions).where(eq(transitions.id, ended[0]!.transitionId!));
    expect(cause).toMatchObject({ entityId: customer.id, event: 'TERM_EXPIRED', actorId: null });
  });
});

describe('follow-up plans tell their assignee, and escalate to managers (N1, F6)', () => {
  it('should tell the assignee when a plan falls due and overdue, and every manager who reaches the custodian when it is escalated (T1)', async () => {
    const customer = await protectedCustomer(app, 'sales3');
    const next = new Date(app.clock().getTime() + DAY).toISOString();
    await app.ok(
      `mutation($c: ID!, $i: FollowUpInput!) { addFollowUp(customerId: $c, input: $i) { id } }`,
      { c: customer.id, i: { channel: 'PHONE', notes: '电话沟通，约好明天再联系。', nextContactAt: next } },
      await app.login('sales3'),
    );
    const kinds = async (username: string) => (await told(username, customer.id)).map((n) => n.kind).filter((k) => k.startsWith('FOLLOW_UP'));
    app.clock.advance(DAY + 1000);
    await app.services.sweeper.sweepOnce();
    expect(await kinds('sales3')).toEqual(['FOLLOW_UP_DUE']);
    // Past the grace (1 day), then past escalateAfter (3 more days).
    app.clock.advance(DAY + 1000);
    await app.services.sweeper.sweepOnce();
    expect(await kinds('sales3')).toEqual(['FOLLOW_UP_DUE', 'FOLLOW_UP_OVERDUE']);
    expect(await kinds('manager1')).toEqual([]);
    app.clock.advance(3 * DAY + 1000);
    await app.services.sweeper.sweepOnce();
    expect(await kinds('manager1')).toEqual(['FOLLOW_UP_ESCALATED']);
    expect(await kinds('manager2')).toEqual([]);
    expect(await kinds('sales3')).toEqual(['FOLLOW_UP_DUE', 'FOLLOW_UP_OVERDUE']);
  });
});

describe('warnings no transition causes (N1)', () => {
  it('should tell every manager who reaches the applicant, once, of an application past the audit SLA (A5, T1)', async () => {
    const application = await pendingApplication(app, (await createCustomer(app, 'sales3')).id);
    const overdue = async (username: string) => (await told(username, application.id)).filter((n) => n.kind === 'AUDIT_OVERDUE').length;
    await app.services.notifications.sweep();
    expect(await overdue('manager1')).toBe(0);
    app.clock.advance(10 * DAY);
    await app.services.notifications.sweep();
    await app.services.notifications.sweep();
    expect([await overdue('manager1'), await overdue('manager2')]).toEqual([1, 0]);
  });
});

describe('the inbox through GraphQL (N1)', () => {
  it('should page the viewer’s own notifications newest first, count unread ones and mark them read', async () => {
    const token = await app.login('auditor1');
    const all = await app.ok(INBOX, { first: 100 }, token);
    expect(all.notifications.totalCount).toBeGreaterThanOrEqual(2);
    expect(all.unreadNotificationCount).toBe(all.notifications.totalCount);
    const first = await app.ok(INBOX, { first: 1 }, token);
    expect(first.notifications.pageInfo.hasNextPage).toBe(true);
    const second = await app.ok(INBOX, { first: 1, after: first.notifications.pageInfo.endCursor }, token);
    expect(second.notifications.edges[0].node.id).toBe(all.notifications.edges[1].node.id);
    const id = all.notifications.edges[0].node.id;
    const { markNotificationsRead } = await app.ok(`mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id readAt } }`, { ids: [id] }, token);
    expect(markNotificationsRead[0].readAt).not.toBeNull();
    const unread = await app.ok(INBOX, { first: 100, unreadOnly: true }, token);
    expect(unread.notifications.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(id);
    expect(unread.unreadNotificationCount).toBe(all.unreadNotificationCount - 1);
    const { markAllNotificationsRead } = await app.ok(`mutation { markAllNotificationsRead }`, {}, token);
    expect(markAllNotificationsRead).toBe(all.unreadNotificationCount - 1);
    expect((await app.ok(INBOX, { first: 1 }, token)).unreadNotificationCount).toBe(0);
  });

  it('should refuse another person’s notification id with BAD_USER_INPUT naming it, and mark nothing', async () => {
    const mine = (await app.ok(INBOX, { first: 1, unreadOnly: true }, await app.login('sales2'))).notifications.edges[0].node.id;
    const auditors = await app.ok(INBOX, { first: 1 }, await app.login('auditor1'));
    const theirs = auditors.notifications.edges[0].node.id;
    const error = await app.fails(`mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id } }`, { ids: [mine, theirs] }, await app.login('sales2'));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { 'ids[1]': expect.any(String) } });
    const [row] = await app.database.db.select().from(notifications).where(eq(notifications.id, mine));
    expect(row!.readAt).toBeNull();
  });

  it('should refuse the inbox without a token', async () => {
    expect((await app.fails(INBOX, { first: 1 })).extensions?.code).toBe('UNAUTHENTICATED');
  });
});
