/** F1, F5: the contact machine (active → left → active), its history, and F1's THREE_CONTACTS checklist item. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY } from '../../support/clock.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { CREATE, customerInput, protectedCustomer, viewerFor } from '../../support/customers.js';
import { policyWith } from '../../support/policy.js';
import { DEFAULT_POLICY } from '../../../src/workflow/policy/policy.js';

const CONTACT = `id name state leftOn leftNote version availableActions { event inputs { name required } }`;
const ADD = `mutation($c: ID!, $i: ContactInput!) { addContact(customerId: $c, input: $i) { ${CONTACT} } }`;
const UPDATE = `mutation($id: ID!, $i: ContactInput!, $v: Int) { updateContact(id: $id, input: $i, expectedVersion: $v) { ${CONTACT} } }`;
const LEAVE = `mutation($id: ID!, $on: String!, $n: String!, $v: Int) { markContactLeft(id: $id, leftOn: $on, note: $n, expectedVersion: $v) { ${CONTACT} } }`;
const REJOIN = `mutation($id: ID!, $n: String) { markContactRejoined(id: $id, note: $n) { ${CONTACT} } }`;
const HISTORY = `query($id: ID!) { customer(id: $id) { contacts { id state history { totalCount edges { node { event fromState toState machine payload actor { username } } } } } } }`;
const FOLLOW_UP = `mutation($c: ID!, $i: FollowUpInput!) { addFollowUp(customerId: $c, input: $i) { id } }`;
const CHECKLIST = `query($id: ID!) { application(id: $id) { kind checklist { code label passed detail } } }`;
const SEND = `mutation($id: ID!, $e: String!, $i: JSON) { sendWorkflowEvent(workflow: "contact", id: $id, event: $e, input: $i) { workflow state contact { state leftOn leftNote } } }`;

type Node = { event: string; fromState: string | null; toState: string; machine: string; payload: Record<string, unknown>; actor: { username: string } | null };

describe('contacts (F1, F5)', () => {
  let app: TestApp;
  let sales1: string;
  let sales2: string;
  beforeAll(async () => {
    app = await startTestApp();
    [sales1, sales2] = await Promise.all([app.login('sales1'), app.login('sales2')]);
  });
  afterAll(async () => app?.close());

  const newCustomer = async () => (await app.ok(CREATE, { i: customerInput() }, sales1)).createCustomer as { id: string };
  let phone = 0;
  const person = (name: string) => ({ name, title: '设备科长', mobile: `1360077${String((phone += 1)).padStart(4, '0')}` });
  const addContact = async (customerId: string, name = '李四') => (await app.ok(ADD, { c: customerId, i: person(name) }, sales1)).addContact;
  const historyOf = async (customerId: string, contactId: string): Promise<Node[]> => {
    const data = await app.ok(HISTORY, { id: customerId }, sales1);
    const contact = data.customer.contacts.find((c: { id: string }) => c.id === contactId);
    return contact.history.edges.map((e: { node: Node }) => e.node);
  };
  const events = (actions: { event: string }[]) => actions.map((a) => a.event).sort();

  describe('F5: leaving and rejoining', () => {
    it('should start a contact active, with CREATE in its history, offering UPDATE and LEAVE to the custodian (F5)', async () => {
      const c = await newCustomer();
      const added = await addContact(c.id);
      expect(added).toMatchObject({ state: 'active', leftOn: null, leftNote: null, version: 1 });
      expect(events(added.availableActions)).toEqual(['LEAVE', 'UPDATE']);
      expect(added.availableActions.find((a: { event: string }) => a.event === 'LEAVE').inputs).toEqual([
        { name: 'leftOn', required: true },
        { name: 'note', required: true },
      ]);
      expect(await historyOf(c.id, added.id)).toEqual([expect.objectContaining({ event: 'CREATE', fromState: null, toState: 'active', machine: 'contact' })]);
      // The contact entered with the customer started its machine too.
      const first = (await app.ok(HISTORY, { id: c.id }, sales1)).customer.contacts[0];
      expect(first).toMatchObject({ state: 'active', history: { totalCount: 1 } });
    });

    it('should mark a contact as left with the day and note, recorded in its history, then rejoin it (F5)', async () => {
      const c = await newCustomer();
      const added = await addContact(c.id);
      const left = (await app.ok(LEAVE, { id: added.id, on: '2026-03-01', n: ' 调往上海分公司 ', v: 1 }, sales1)).markContactLeft;
      expect(left).toMatchObject({ state: 'left', leftOn: '2026-03-01', leftNote: '调往上海分公司', version: 2 });
      expect(events(left.availableActions)).toEqual(['REJOIN', 'UPDATE']);
      const [leave] = await historyOf(c.id, added.id);
      expect(leave).toMatchObject({ event: 'LEAVE', fromState: 'active', toState: 'left', actor: { username: 'sales1' } });
      expect(leave?.payload).toMatchObject({
        leftOn: '2026-03-01',
        note: ' 调往上海分公司 ',
        changes: { leftOn: [null, '2026-03-01'], leftNote: [null, '调往上海分公司'] },
      });

      const back = (await app.ok(REJOIN, { id: added.id, n: '回来任采购经理' }, sales1)).markContactRejoined;
      expect(back).toMatchObject({ state: 'active', leftOn: null, leftNote: null, version: 3 });
      const [rejoin] = await historyOf(c.id, added.id);
      expect(rejoin).toMatchObject({ event: 'REJOIN', fromState: 'left', toState: 'active', payload: { note: '回来任采购经理' } });
    });

    it('should refuse an event the state does not allow with ILLEGAL_TRANSITION (F5)', async () => {
      const c = await newCustomer();
      const added = await addContact(c.id);
      const rejoin = await app.fails(REJOIN, { id: added.id }, sales1);
      expect(rejoin.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', state: 'active' });
      await app.ok(LEAVE, { id: added.id, on: '2026-03-01', n: '离职' }, sales1);
      const again = await app.fails(LEAVE, { id: added.id, on: '2026-03-02', n: '离职' }, sales1);
      expect(again.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', state: 'left' });
    });

    it('should require a note and a real day to leave, with BAD_USER_INPUT on that argument, writing nothing (F5)', async () => {
      const c = await newCustomer();
      const added = await addContact(c.id);
      const noNote = await app.fails(LEAVE, { id: added.id, on: '2026-03-01', n: '   ' }, sales1);
      expect(noNote.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'F5' });
      expect(noNote.extensions?.fields).toHaveProperty('note');
      const badDay = await app.fails(LEAVE, { id: added.id, on: '2026-02-30', n: '离职' }, sales1);
      expect(badDay.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'F5' });
      expect(badDay.extensions?.fields).toHaveProperty('leftOn');
      expect(await historyOf(c.id, added.id)).toHaveLength(1);
    });

    it('should let only whoever may change the customer mark a contact as left (F1)', async () => {
      const c = await newCustomer();
      const added = await addContact(c.id);
      expect((await app.fails(LEAVE, { id: added.id, on: '2026-03-01', n: '离职' }, sales2)).extensions?.code).toBe('FORBIDDEN');
      // An auditor sees the customer's contacts but changes none: no actions offered.
      const seen = await app.ok(
        `query($id: ID!) { customer(id: $id) { contacts { id availableActions { event } } } }`,
        { id: c.id },
        await app.login('auditor1'),
      );
      expect(seen.customer.contacts.every((x: { availableActions: unknown[] }) => x.availableActions.length === 0)).toBe(true);
      const manager = await app.login('manager1');
      expect((await app.ok(LEAVE, { id: added.id, on: '2026-03-01', n: '离职' }, manager)).markContactLeft.state).toBe('left');
    });
  });

  describe('F5: edits are recorded', () => {
    it('should record an edit as UPDATE with the fields it changed, in either state (F5)', async () => {
      const c = await newCustomer();
      const added = await addContact(c.id, '张三');
      const edited = (await app.ok(UPDATE, { id: added.id, i: { ...person('张三丰'), title: '副总经理' }, v: 1 }, sales1)).updateContact;
      expect(edited).toMatchObject({ name: '张三丰', state: 'active', version: 2 });
      const [update] = await historyOf(c.id, added.id);
      expect(update).toMatchObject({ event: 'UPDATE', fromState: 'active', toState: 'active' });
      const changes = update?.payload.changes as Record<string, unknown>;
      expect(changes).toMatchObject({ name: ['张三', '张三丰'], title: ['设备科长', '副总经理'] });
      expect(Object.keys(changes).sort()).toEqual(['mobile', 'name', 'title']);
      // A stale version is refused (CONFLICT), nothing recorded.
      expect((await app.fails(UPDATE, { id: added.id, i: person('王五'), v: 1 }, sales1)).extensions?.code).toBe('CONFLICT');
      await app.ok(LEAVE, { id: added.id, on: '2026-03-01', n: '离职' }, sales1);
      const corrected = (await app.ok(UPDATE, { id: added.id, i: { ...person('张三丰'), email: 'zsf@example.com' } }, sales1)).updateContact;
      expect(corrected).toMatchObject({ state: 'left', leftOn: '2026-03-01' });
      expect((await historyOf(c.id, added.id)).map((h) => h.event)).toEqual(['UPDATE', 'LEAVE', 'UPDATE', 'CREATE']);
    });
  });

  describe('F5: follow-ups', () => {
    it('should refuse a follow-up naming a contact who left, and write nothing (F5)', async () => {
      const c = await newCustomer();
      const added = await addContact(c.id);
      await app.ok(LEAVE, { id: added.id, on: '2026-03-01', n: '离职' }, sales1);
      const next = new Date(app.clock().getTime() + 2 * DAY).toISOString();
      const input = { channel: 'PHONE', notes: '电话沟通，客户要求下周再联系。', nextContactAt: next, contactId: added.id };
      const e = await app.fails(FOLLOW_UP, { c: c.id, i: input }, sales1);
      expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'F5' });
      expect(e.extensions?.fields).toEqual({ 'input.contactId': expect.stringContaining('left the company on 2026-03-01 (F5)') });
      const after = await app.ok(`query($id: ID!) { customer(id: $id) { lastFollowUpAt followUps(first: 5) { totalCount } } }`, { id: c.id }, sales1);
      expect(after.customer).toEqual({ lastFollowUpAt: null, followUps: { totalCount: 0 } });
      // Rejoined, the person is named again.
      await app.ok(REJOIN, { id: added.id }, sales1);
      expect((await app.ok(FOLLOW_UP, { c: c.id, i: input }, sales1)).addFollowUp.id).toBeTruthy();
    });
  });

  describe('designers read, validate and address the contact machine (F5)', () => {
    it('should describe the machine, validate its document and send LEAVE through sendWorkflowEvent', async () => {
      const designer = await app.login('designer1');
      const read = await app.ok(
        `{ workflow(name: "contact") { name definition states { path terminal } transitions { from event to guards rules } mermaid } }`,
        {},
        designer,
      );
      expect(read.workflow.states.map((s: { path: string }) => s.path).sort()).toEqual(['active', 'left']);
      expect(read.workflow.transitions).toContainEqual(
        expect.objectContaining({ from: 'active', event: 'LEAVE', to: 'left', guards: ['mayEdit', 'hasLeftOn', 'hasNote'], rules: ['F1', 'F5'] }),
      );
      expect(read.workflow.mermaid).toContain('active --> left: LEAVE');
      const valid = await app.ok(
        `query($d: JSON!) { validateWorkflow(name: "contact", definition: $d) { valid problems { path message } } }`,
        { d: read.workflow.definition },
        designer,
      );
      expect(valid.validateWorkflow).toEqual({ valid: true, problems: [] });

      const c = await newCustomer();
      const added = await addContact(c.id);
      const sent = (await app.ok(SEND, { id: added.id, e: 'LEAVE', i: { leftOn: '2026-04-01', note: '退休' } }, sales1)).sendWorkflowEvent;
      expect(sent).toEqual({ workflow: 'contact', state: 'left', contact: { state: 'left', leftOn: '2026-04-01', leftNote: '退休' } });
      const own = await app.fails(SEND, { id: added.id, e: 'UPDATE' }, sales1);
      expect(own.extensions?.fields).toEqual({ event: 'UPDATE has its own mutation: use updateContact' });
      expect((await app.fails(SEND, { id: added.id, e: 'REJOIN' }, sales2)).extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('F1: THREE_CONTACTS on intent applications', () => {
    const intentChecklist = async (applicationId: string) => {
      const data = await app.ok(CHECKLIST, { id: applicationId }, await app.login('auditor1'));
      expect(data.application.kind).toBe('INTENT');
      return data.application.checklist as { code: string; passed: boolean; detail: string }[];
    };

    it('should warn while fewer than the policy’s named contacts work at the customer, leavers not counted (F1, F5)', async () => {
      const c = await protectedCustomer(app, 'sales1');
      const application = await app.services.applicationOpenings.applyForIntent(await viewerFor(app, 'sales1'), c.id, '客户确认了采购预算和时间');
      expect(await intentChecklist(application.id)).toEqual([
        { code: 'THREE_CONTACTS', label: expect.stringContaining('3'), passed: false, detail: '1 active named contacts of 3 expected' },
      ]);
      await addContact(c.id, '赵六');
      const third = await addContact(c.id, '钱七');
      expect(await intentChecklist(application.id)).toEqual([expect.objectContaining({ code: 'THREE_CONTACTS', passed: true })]);
      await app.ok(LEAVE, { id: third.id, on: '2026-03-01', n: '离职' }, sales1);
      expect(await intentChecklist(application.id)).toEqual([
        expect.objectContaining({ passed: false, detail: '2 active named contacts of 3 expected; 1 left the company' }),
      ]);
      // The threshold is policy.
      app.services.setPolicy(policyWith({ application: { minContactsForIntent: 2 } }));
      try {
        expect(await intentChecklist(application.id)).toEqual([
          expect.objectContaining({ passed: true, detail: '2 active named contacts of 2 expected; 1 left the company' }),
        ]);
      } finally {
        app.services.setPolicy(DEFAULT_POLICY);
      }
      // A warning: the auditor still approves, and the checklist is frozen as it was.
      await app.services.applicationDecisions.approve(await viewerFor(app, 'auditor1'), application.id, 'ok');
      expect((await app.services.applications.get(application.id)).checklist).toEqual([expect.objectContaining({ code: 'THREE_CONTACTS', passed: false })]);
    });
  });
});
