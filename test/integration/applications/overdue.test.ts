/** A5: the queue's `overdue` filter is exact at the due instant and pages like any other list. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createCustomer } from '../../support/customers.js';

const QUEUE = `query($o: Boolean, $first: Int, $after: String) {
  applications(filter: { overdue: $o }, first: $first, after: $after) { totalCount edges { node { id dueAt overdue } } pageInfo { hasNextPage endCursor } }
}`;

describe('applications overdue filter (A5)', () => {
  let app: TestApp;
  /** Application ids by when they were made: three at t0, one at t0 + 1 ms, one at t0 + 1 s. */
  const made: { at0: string[]; at1ms: string; at1s: string; due0: string } = { at0: [], at1ms: '', at1s: '', due0: '' };

  const queue = async (overdue: boolean | null, first = 100, after: string | null = null) =>
    (await app.ok(QUEUE, { o: overdue, first, after }, await app.login('auditor1'))).applications;
  const ids = async (overdue: boolean) => (await queue(overdue)).edges.map((e: { node: { id: string } }) => e.node.id).sort();
  const pendingOf = async (customerId: string) =>
    (await app.services.applications.list(await app.services.users.viewerForToken(await app.login('auditor1')), { customerId }, 'OLDEST_FIRST', { first: 1 }))
      .nodes[0]!.id;

  beforeAll(async () => {
    app = await startTestApp();
    for (let i = 0; i < 3; i += 1) made.at0.push(await pendingOf((await createCustomer(app, 'sales1')).id));
    app.clock.advance(1);
    made.at1ms = await pendingOf((await createCustomer(app, 'sales2')).id);
    app.clock.advance(999);
    made.at1s = await pendingOf((await createCustomer(app, 'sales3')).id);
    const all = await queue(null);
    made.due0 = all.edges.find((e: { node: { id: string } }) => e.node.id === made.at0[0]).node.dueAt;
  });
  afterAll(async () => app?.close());

  it('should list none as overdue a millisecond before the due instant', async () => {
    app.clock.set(new Date(Date.parse(made.due0) - 1));
    expect(await ids(true)).toEqual([]);
    expect(await ids(false)).toEqual([...made.at0, made.at1ms, made.at1s].sort());
  });

  it('should list exactly those made at t0 at their due instant, and agree with each row’s `overdue`', async () => {
    app.clock.set(made.due0);
    expect(await ids(true)).toEqual([...made.at0].sort());
    expect(await ids(false)).toEqual([made.at1ms, made.at1s].sort());
    const page = await queue(null);
    for (const { node } of page.edges) expect(node.overdue).toBe(made.at0.includes(node.id));
    expect((await queue(true)).totalCount).toBe(3);
  });

  it('should add the one made a millisecond later a millisecond later', async () => {
    app.clock.set(new Date(Date.parse(made.due0) + 1));
    expect(await ids(true)).toEqual([...made.at0, made.at1ms].sort());
    expect(await ids(false)).toEqual([made.at1s]);
  });

  it('should page the overdue filter: page 2 continues page 1 with no row twice or missing', async () => {
    app.clock.set(new Date(Date.parse(made.due0) + 1));
    const first = await queue(true, 2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(first.totalCount).toBe(4);
    const second = await queue(true, 2, first.pageInfo.endCursor);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const paged = [...first.edges, ...second.edges].map((e: { node: { id: string } }) => e.node.id);
    expect(paged).toEqual((await queue(true)).edges.map((e: { node: { id: string } }) => e.node.id));
    expect([...paged].sort()).toEqual([...made.at0, made.at1ms].sort());
  });

  it('should leave decided applications out of both answers', async () => {
    app.clock.set(new Date(Date.parse(made.due0) + 1));
    const [decided] = made.at0;
    await app.services.applicationDecisions.approve(await app.services.users.viewerForToken(await app.login('auditor1')), decided ?? '', 'ok');
    expect(await ids(true)).not.toContain(decided);
    expect(await ids(false)).not.toContain(decided);
  });
});
