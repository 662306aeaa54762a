/**
 * T1 (issue 17): departments form a tree; a manager whose scope is DEPARTMENT sees and acts on the
 * customers of the users in their department's subtree (and on customers nobody holds); a GLOBAL
 * manager sees everyone's. Only managers are scoped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { draftContract } from '../../support/contracts.js';
import { intentCustomer, protectedCustomer } from '../../support/customers.js';
import { policyWith } from '../../support/policy.js';

const PASSWORD = 'departments-test-pw-1';
const TREE = `{ departments { id name parentId memberCount parent { id } children { name } path { name } } }`;
const CREATE_DEPT = `mutation($i: CreateDepartmentInput!) { createDepartment(input: $i) { id name parentId memberCount path { id } } }`;
const UPDATE_DEPT = `mutation($id: ID!, $i: UpdateDepartmentInput!) { updateDepartment(id: $id, input: $i) { id name parentId } }`;
const MOVE = `mutation($u: ID!, $d: ID!) { moveUser(userId: $u, departmentId: $d) { id department { id name } } }`;
const CREATE_USER = `mutation($i: CreateUserInput!) { createUser(input: $i) { id scope department { id } } }`;
const ACTIONS = `query($id: ID!) { customer(id: $id) { availableActions { event } } }`;
const LIST = `{ customers(first: 100) { totalCount edges { node { id } } } }`;
const DETAILS = `query($id: ID!) { customer(id: $id) { id name industry } }`;
const EXTEND = `mutation($c: ID!) { applyForExtension(customerId: $c, reason: "客户年底集中采购，需要延期跟进") { id } }`;
const APPROVE = `mutation($id: ID!) { approveApplication(id: $id) { status } }`;
const APPLICATION_ACTIONS = `query($id: ID!) { application(id: $id) { status availableActions { event } } }`;
const CONFIRM = `mutation($id: ID!) { confirmContract(id: $id) { state } }`;
const RESERVE = `mutation($c: ID!) { reserveContract(customerId: $c) { id } }`;
const TRANSFER = `mutation($id: ID!, $to: ID!) { transferCustomer(id: $id, toUserId: $to, reason: "人员调整，客户移交") { id custodian { username } } }`;

describe('departments and a manager’s reach (T1)', () => {
  let app: TestApp;
  let admin: string;
  const dept: Record<string, string> = {};
  const ids: Record<string, string> = {};
  let deptManager: string;
  let globalManager: string;
  let inside: string;
  let outside: string;

  const createDept = async (name: string, parentId?: string) =>
    (await app.ok(CREATE_DEPT, { i: { name, parentId } }, admin)).createDepartment as { id: string; parentId: string; path: { id: string }[] };
  const userId = async (username: string) =>
    (await app.services.users.list(await app.services.users.viewerForToken(admin), { first: 100 })).nodes.find((u) => u.username === username)?.id ?? '';
  const listed = async (token: string) => (await app.ok(LIST, {}, token)).customers.edges.map((e: { node: { id: string } }) => e.node.id) as string[];

  beforeAll(async () => {
    // EXTENSION decided by every manager (ALL): T1 decides who counts.
    app = await startTestApp({ policy: policyWith({ application: { steps: { EXTENSION: [{ role: 'MANAGER', mode: 'ALL' }] } } }) });
    admin = await app.login('admin');
    dept.one = (await createDept('销售一部')).id;
    dept.two = (await createDept('销售二部')).id;
    dept.oneA = (await createDept('销售一部一组', dept.one)).id;
    for (const username of ['sales1', 'sales2', 'sales3']) ids[username] = await userId(username);
    await app.ok(MOVE, { u: ids.sales1, d: dept.oneA }, admin);
    await app.ok(MOVE, { u: ids.sales3, d: dept.one }, admin);
    await app.ok(MOVE, { u: ids.sales2, d: dept.two }, admin);
    const make = async (username: string, scope: string) => {
      const input = { username, displayName: username, password: PASSWORD, roles: ['MANAGER'], departmentId: dept.one, scope };
      const { createUser } = await app.ok(CREATE_USER, { i: input }, admin);
      expect(createUser).toMatchObject({ scope, department: { id: dept.one } });
      return app.login(username, PASSWORD);
    };
    deptManager = await make('t1-dept-manager', 'DEPARTMENT');
    globalManager = await make('t1-global-manager', 'GLOBAL');
    inside = (await protectedCustomer(app, 'sales1', { industry: '空调' })).id;
    outside = (await protectedCustomer(app, 'sales2', { industry: '空调' })).id;
  });
  afterAll(async () => app?.close());

  describe('the tree (ADMIN)', () => {
    it('T1: should create departments under the root by default, with parent, children, path and member counts', async () => {
      const { departments } = await app.ok(TREE, {}, admin);
      const byId = new Map(departments.map((d: { id: string }) => [d.id, d]));
      const root = departments.find((d: { parentId: string | null }) => d.parentId === null);
      expect(byId.get(dept.one)).toMatchObject({
        parentId: root.id,
        parent: { id: root.id },
        children: [{ name: '销售一部一组' }],
        path: [{ name: root.name }],
      });
      expect(byId.get(dept.oneA)).toMatchObject({ memberCount: 1, path: [{ name: root.name }, { name: '销售一部' }], children: [] });
      expect(root.children.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['销售一部', '销售二部']));
    });

    it('T1: should rename a department and refuse a sibling’s name with DUPLICATE', async () => {
      const { id } = await createDept('临时部门', dept.two);
      expect((await app.ok(UPDATE_DEPT, { id, i: { name: '销售二部一组' } }, admin)).updateDepartment).toMatchObject({
        id,
        name: '销售二部一组',
        parentId: dept.two,
      });
      const e = await app.fails(CREATE_DEPT, { i: { name: '销售二部一组', parentId: dept.two } }, admin);
      expect(e.extensions?.code).toBe('DUPLICATE');
    });

    it('T1: should refuse moving a department under itself or its own subtree with BAD_USER_INPUT on input.parentId', async () => {
      for (const parentId of [dept.one, dept.oneA]) {
        const e = await app.fails(UPDATE_DEPT, { id: dept.one, i: { parentId } }, admin);
        expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { 'input.parentId': expect.any(String) } });
      }
    });

    it('T1: should refuse the tree and its changes to anyone but an ADMIN', async () => {
      const e = await app.fails(TREE, {}, globalManager);
      expect(e.extensions?.code).toBe('FORBIDDEN');
      expect((await app.fails(MOVE, { u: ids.sales2, d: dept.one }, deptManager)).extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('a department manager', () => {
    it('T1: should list only the customers of their subtree (sales1 in a subdepartment), not another department’s', async () => {
      const ids = await listed(deptManager);
      expect(ids).toContain(inside);
      expect(ids).not.toContain(outside);
    });

    it('T1: should see the details of a customer inside and be refused those outside with FORBIDDEN (rule T1)', async () => {
      expect((await app.ok(DETAILS, { id: inside }, deptManager)).customer).toMatchObject({ id: inside, industry: '空调' });
      const result = await app.execute(DETAILS, { id: outside }, { token: deptManager });
      expect(result.data?.customer).toMatchObject({ id: outside, industry: null });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'T1' });
    });

    it('T1: should not offer TRANSFER on a customer outside, and refuse it with FORBIDDEN (rule T1)', async () => {
      const actions = async (id: string) => (await app.ok(ACTIONS, { id }, deptManager)).customer.availableActions.map((a: { event: string }) => a.event);
      expect(await actions(inside)).toContain('TRANSFER');
      expect(await actions(outside)).not.toContain('TRANSFER');
      const e = await app.fails(TRANSFER, { id: outside, to: ids.sales3 }, deptManager);
      expect(e.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'T1' });
    });

    it('T1: should transfer only to someone inside their subtree', async () => {
      const e = await app.fails(TRANSFER, { id: inside, to: ids.sales2 }, deptManager);
      expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'T1', fields: { toUserId: expect.any(String) } });
      const { transferCustomer } = await app.ok(TRANSFER, { id: inside, to: ids.sales3 }, deptManager);
      expect(transferCustomer.custodian.username).toBe('sales3');
    });
  });

  describe('a department manager’s applications and contracts', () => {
    it('T1: should list only the applications made by users of their subtree, and refuse reading another’s', async () => {
      const viewer = await app.services.users.viewerForToken(deptManager);
      const page = await app.services.applications.list(viewer, {}, 'OLDEST_FIRST', { first: 100 });
      const customersOf = page.nodes.map((a) => a.customerId);
      expect(customersOf).not.toContain(outside);
      const others = await app.services.applications.list(await app.services.users.viewerForToken(globalManager), { customerId: outside }, 'OLDEST_FIRST', {
        first: 5,
      });
      expect(others.nodes).toHaveLength(1);
      expect(() => app.services.applications.requireSee(viewer, others.nodes[0]!)).toThrow(/own applications/);
    });
  });

  describe('a department manager’s decisions and contract work', () => {
    const events = (node: { availableActions: { event: string }[] }) => node.availableActions.map((a) => a.event);

    it('T1: should decide only applications of their subtree, an ALL step waiting only for the managers who reach the applicant', async () => {
      const ext = async (customerId: string, username: string) =>
        (await app.ok(EXTEND, { c: customerId }, await app.login(username))).applyForExtension.id as string;
      const theirs = await ext((await protectedCustomer(app, 'sales2')).id, 'sales2');
      expect(events((await app.ok(APPLICATION_ACTIONS, { id: theirs }, globalManager)).application)).toContain('APPROVE');
      const e = await app.fails(APPROVE, { id: theirs }, deptManager);
      expect(e.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'T1' });
      // manager1, manager2 (the root's) and the GLOBAL manager reach sales2; the department manager does not count.
      for (const username of ['manager1', 'manager2']) {
        expect((await app.ok(APPROVE, { id: theirs }, await app.login(username))).approveApplication.status).toBe('PENDING');
      }
      expect((await app.ok(APPROVE, { id: theirs }, globalManager)).approveApplication.status).toBe('APPROVED');
      const ours = await ext((await protectedCustomer(app, 'sales1')).id, 'sales1');
      expect(events((await app.ok(APPLICATION_ACTIONS, { id: ours }, deptManager)).application)).toContain('APPROVE');
      expect((await app.ok(APPROVE, { id: ours }, deptManager)).approveApplication.status).toBe('PENDING');
    });

    it('T1: should not offer or allow work on the contracts of another department’s customer, nor reserve one', async () => {
      const theirs = await intentCustomer(app, 'sales2');
      const contract = await draftContract(app, theirs.id, await app.login('sales2'));
      const e = await app.fails(CONFIRM, { id: contract.id }, deptManager);
      expect(e).toMatchObject({
        message: expect.stringMatching(/contract’s customer belongs to someone outside/),
        extensions: { code: 'FORBIDDEN', rule: 'T1' },
      });
      const seen = (await app.ok(`query($id: ID!) { contract(id: $id) { state availableActions { event } } }`, { id: contract.id }, globalManager)).contract;
      expect(seen).toMatchObject({ state: 'draft' });
      expect(events(seen)).toContain('CONFIRM');
      expect((await app.fails(RESERVE, { c: theirs.id }, deptManager)).extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'C1' });
      const ours = await intentCustomer(app, 'sales1');
      const mine = await draftContract(app, ours.id, deptManager);
      expect((await app.ok(CONFIRM, { id: mine.id }, deptManager)).confirmContract.state).toBe('confirmed');
    });
  });

  describe('everyone else', () => {
    it('T1: should let a GLOBAL manager, an auditor and an admin see every department’s customers', async () => {
      for (const token of [globalManager, await app.login('auditor1')]) {
        const ids = await listed(token);
        expect(ids).toEqual(expect.arrayContaining([inside, outside]));
      }
      expect((await app.ok(DETAILS, { id: outside }, globalManager)).customer.industry).toBe('空调');
      expect((await app.ok(DETAILS, { id: outside }, admin)).customer.industry).toBe('空调');
    });
  });

  describe('moving people', () => {
    it('T1: should change what a department manager sees as soon as a user moves in or out', async () => {
      await app.ok(MOVE, { u: ids.sales2, d: dept.oneA }, admin);
      expect(await listed(deptManager)).toContain(outside);
      expect((await app.ok(DETAILS, { id: outside }, deptManager)).customer.industry).toBe('空调');
      await app.ok(MOVE, { u: ids.sales2, d: dept.two }, admin);
      expect(await listed(deptManager)).not.toContain(outside);
    });

    it('T1: should change what a manager sees when their department moves under another', async () => {
      await app.ok(UPDATE_DEPT, { id: dept.two, i: { parentId: dept.one } }, admin);
      expect(await listed(deptManager)).toContain(outside);
      await app.ok(
        UPDATE_DEPT,
        { id: dept.two, i: { parentId: (await app.ok(TREE, {}, admin)).departments.find((d: { parentId: string | null }) => !d.parentId).id } },
        admin,
      );
      expect(await listed(deptManager)).not.toContain(outside);
    });
  });
});
