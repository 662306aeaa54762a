import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, DAY } from '../../support/clock.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { CREATE, customerInput } from '../../support/customers.js';

const ADD_CONTACT = `mutation($c: ID!, $i: ContactInput!) { addContact(customerId: $c, input: $i) { id name mobile landline version } }`;
const UPDATE_CONTACT = `mutation($id: ID!, $i: ContactInput!, $v: Int) { updateContact(id: $id, input: $i, expectedVersion: $v) { id name mobile version } }`;
const ADD_FOLLOW_UP = `mutation($c: ID!, $i: FollowUpInput!) { addFollowUp(customerId: $c, input: $i) { id channel notes nextContactAt author { username } contact { name } } }`;

describe('contacts and follow-ups', () => {
  let app: TestApp;
  let sales1: string;
  let sales2: string;
  beforeAll(async () => {
    app = await startTestApp();
    [sales1, sales2] = await Promise.all([app.login('sales1'), app.login('sales2')]);
  });
  afterAll(async () => app?.close());
  const newCustomer = async (token = sales1) => (await app.ok(CREATE, { i: customerInput() }, token)).createCustomer as { id: string };
  const future = (ms: number) => new Date(app.clock().getTime() + ms).toISOString();

  describe('contacts (F1, E5)', () => {
    it('should add a contact with a landline only and correct it later, versioned', async () => {
      const c = await newCustomer();
      const added = (await app.ok(ADD_CONTACT, { c: c.id, i: { name: '周工', title: '总工程师', landline: '0523 8400 1234' } }, sales1)).addContact;
      expect(added).toMatchObject({ landline: '0523-84001234', mobile: null, version: 1 });
      const upd = await app.ok(UPDATE_CONTACT, { id: added.id, i: { name: '周建华', mobile: '13700001111' }, v: 1 }, sales1);
      expect(upd.updateContact).toMatchObject({ name: '周建华', mobile: '13700001111', version: 2 });
      expect((await app.fails(UPDATE_CONTACT, { id: added.id, i: { name: '周', mobile: '13700001112' }, v: 1 }, sales1)).extensions?.code).toBe('CONFLICT');
    });

    it('should require a mobile or a landline', async () => {
      const c = await newCustomer();
      const e = await app.fails(ADD_CONTACT, { c: c.id, i: { name: '无号码' } }, sales1);
      expect(e.extensions?.fields).toHaveProperty(['input.mobile']);
    });

    it('should refuse another salesperson (P8)', async () => {
      const c = await newCustomer();
      expect((await app.fails(ADD_CONTACT, { c: c.id, i: { name: '某人', mobile: '13600002222' } }, sales2)).extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('follow-ups (F2–F4)', () => {
    it('should record a follow-up and move the customer’s last and next contact times', async () => {
      const c = await newCustomer();
      const contacts = await app.ok(`query($id: ID!) { customer(id: $id) { contacts { id } } }`, { id: c.id }, sales1);
      const next = future(2 * DAY);
      const f = (
        await app.ok(
          ADD_FOLLOW_UP,
          {
            c: c.id,
            i: { channel: 'VISIT', notes: '上门拜访，客户对新款机组感兴趣，要求报价。', nextContactAt: next, contactId: contacts.customer.contacts[0].id },
          },
          sales1,
        )
      ).addFollowUp;
      expect(f).toMatchObject({ channel: 'VISIT', author: { username: 'sales1' }, contact: { name: '王建国' }, nextContactAt: next });
      const after = await app.ok(
        `query($id: ID!) { customer(id: $id) { lastFollowUpAt nextContactAt followUps(first: 5) { totalCount edges { node { id } } } } }`,
        { id: c.id },
        sales1,
      );
      expect(after.customer).toMatchObject({ lastFollowUpAt: app.clock().toISOString(), nextContactAt: next, followUps: { totalCount: 1 } });
    });

    it('should require a future next contact time from a salesperson (F2)', async () => {
      const c = await newCustomer();
      const missing = await app.fails(ADD_FOLLOW_UP, { c: c.id, i: { channel: 'PHONE', notes: '电话沟通，客户暂不需要。' } }, sales1);
      expect(missing.extensions?.fields).toHaveProperty(['input.nextContactAt']);
      const past = await app.fails(
        ADD_FOLLOW_UP,
        { c: c.id, i: { channel: 'PHONE', notes: '电话沟通，客户暂不需要。', nextContactAt: future(-HOUR) } },
        sales1,
      );
      expect(past.extensions?.fields).toEqual({ 'input.nextContactAt': 'must be in the future' });
    });

    it('should refuse trivial notes and a contact of another customer', async () => {
      const a = await newCustomer();
      const b = await newCustomer();
      const bContacts = await app.ok(`query($id: ID!) { customer(id: $id) { contacts { id } } }`, { id: b.id }, sales1);
      const e = await app.fails(ADD_FOLLOW_UP, { c: a.id, i: { channel: 'PHONE', notes: '。。。。。。', nextContactAt: future(DAY) } }, sales1);
      expect(e.extensions?.fields).toHaveProperty(['input.notes']);
      const wrong = await app.fails(
        ADD_FOLLOW_UP,
        { c: a.id, i: { channel: 'PHONE', notes: '电话沟通了报价细节。', nextContactAt: future(DAY), contactId: bContacts.customer.contacts[0].id } },
        sales1,
      );
      expect(wrong.extensions?.fields).toHaveProperty(['input.contactId']);
    });

    it('should page follow-ups newest first', async () => {
      const c = await newCustomer();
      for (let i = 1; i <= 5; i += 1) {
        app.clock.advance(1000);
        await app.ok(ADD_FOLLOW_UP, { c: c.id, i: { channel: 'PHONE', notes: `第${i}次电话跟进，沟通需求。`, nextContactAt: future(DAY) } }, sales1);
      }
      const q = `query($id: ID!, $after: String) { customer(id: $id) { followUps(first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { node { notes } } } } }`;
      const p1 = await app.ok(q, { id: c.id }, sales1);
      expect(p1.customer.followUps.edges.map((e: { node: { notes: string } }) => e.node.notes)).toEqual([
        '第5次电话跟进，沟通需求。',
        '第4次电话跟进，沟通需求。',
      ]);
      expect(p1.customer.followUps.pageInfo.hasNextPage).toBe(true);
      // A first page knows whether more follow from its count (it reads `first` rows, not one more).
      const whole = `query($id: ID!, $n: Int!) { customer(id: $id) { followUps(first: $n) { totalCount pageInfo { hasNextPage } edges { node { notes } } } } }`;
      const all = await app.ok(whole, { id: c.id, n: 5 }, sales1);
      expect(all.customer.followUps).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: false } });
      expect(all.customer.followUps.edges).toHaveLength(5);
      const allButOne = await app.ok(whole, { id: c.id, n: 4 }, sales1);
      expect(allButOne.customer.followUps).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true } });
      expect(allButOne.customer.followUps.edges).toHaveLength(4);
      const p2 = await app.ok(q, { id: c.id, after: p1.customer.followUps.pageInfo.endCursor }, sales1);
      expect(p2.customer.followUps.edges.map((e: { node: { notes: string } }) => e.node.notes)).toEqual([
        '第3次电话跟进，沟通需求。',
        '第2次电话跟进，沟通需求。',
      ]);
    });
  });

  describe('reminders (F3)', () => {
    it('should sort the viewer’s customers into overdue, today and upcoming by their follow-up plans, with last follow-up and contact (F3, F6)', async () => {
      const app2 = await startTestApp();
      try {
        app2.clock.set('2026-11-23T01:00:00Z'); // 09:00 in Shanghai
        const t = await app2.login('sales2');
        const mk = async (nextInMs: number, notes: string) => {
          const c = (await app2.ok(CREATE, { i: customerInput() }, t)).createCustomer;
          await app2.ok(
            ADD_FOLLOW_UP,
            { c: c.id, i: { channel: 'PHONE', notes, nextContactAt: new Date(app2.clock().getTime() + nextInMs).toISOString() } },
            t,
          );
          return c.id as string;
        };
        // F6: a plan is overdue once its grace (followUp.grace, P1D) has passed without a follow-up.
        const overdue = await mk(HOUR, '约好一小时后回电确认。');
        const today = await mk(DAY + 5 * HOUR, '明天下午再联系采购部。');
        const upcoming = await mk(4 * DAY, '四天后寄送样品。');
        await mk(30 * DAY, '下个月再联系。');
        // The sweeper runs every few seconds in production: the plan goes due at its time, overdue a grace later.
        app2.clock.advance(2 * HOUR);
        await app2.services.sweeper.sweepOnce();
        app2.clock.advance(DAY);
        await app2.services.sweeper.sweepOnce();
        const data = await app2.ok(
          `{ reminders { overdue { customer { id } lastFollowUp { notes } contact { name } } today { customer { id } } upcoming { customer { id } } } }`,
          {},
          await app2.login('sales2'),
        );
        expect(data.reminders.overdue).toEqual([{ customer: { id: overdue }, lastFollowUp: { notes: '约好一小时后回电确认。' }, contact: { name: '王建国' } }]);
        expect(data.reminders.today).toEqual([{ customer: { id: today } }]);
        expect(data.reminders.upcoming).toEqual([{ customer: { id: upcoming } }]);
        const other = await app2.ok(`{ reminders { overdue { customer { id } } today { customer { id } } } }`, {}, await app2.login('sales1'));
        expect(other.reminders).toEqual({ overdue: [], today: [] });
      } finally {
        await app2.close();
      }
    });
  });
});
