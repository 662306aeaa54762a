/** Builders for customer tests: a valid input and the common GraphQL documents. */
let n = 0;
const TRADE = [
  '春意',
  '华力',
  '金鼎',
  '远航',
  '博瑞',
  '恒通',
  '嘉禾',
  '瑞丰',
  '鼎盛',
  '汇智',
  '海纳',
  '天成',
  '宏图',
  '盛世',
  '永昌',
  '万达',
  '信达',
  '安泰',
  '兴隆',
  '同创',
];

/** A valid CreateCustomerInput with a fresh trade name and phone numbers. */
export function customerInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  n += 1;
  const trade = `${TRADE[n % TRADE.length]}${String.fromCharCode(0x4e00 + ((n * 7919) % 20000))}${String.fromCharCode(0x4e00 + ((n * 104729) % 20000))}`;
  const phone = `0523-8${String(n).padStart(7, '0')}`;
  return {
    name: `靖江市${trade}机械有限公司`,
    address: '江苏省靖江市人民路88号',
    industry: '机械',
    phone,
    introduction: '生产中央空调配件的制造企业，年产值约两亿元。',
    contacts: [{ name: '王建国', title: '采购经理', mobile: `139${String(n).padStart(8, '0')}` }],
    ...overrides,
  };
}

export const CUSTOMER_FIELDS = `id name tradeName state stage version custodian { username displayName } protectedUntil deadlineAt expiresIn`;
export const CREATE = `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { ${CUSTOMER_FIELDS} } }`;
export const GET = `query($id: ID!) { customer(id: $id) { ${CUSTOMER_FIELDS} availableActions { event label inputs { name type required } } } }`;

import type { TestApp } from './app.js';
import type { Actor } from '../../src/workflow/actor.js';
import type { CustomerRow } from '../../src/platform/db/schema.js';

/** An actor for a demo user, as the engine sees it. */
export async function actorFor(app: TestApp, username: string): Promise<Actor> {
  const token = await app.login(username);
  const viewer = await app.services.users.viewerForToken(token);
  return { kind: 'user', id: viewer.id, roles: viewer.roles, displayName: viewer.displayName };
}

/** Creates a customer as `username` through the domain (state prospect.pendingAudit). */
export async function createCustomer(app: TestApp, username = 'sales1', overrides: Record<string, unknown> = {}): Promise<CustomerRow> {
  const viewer = await app.services.users.viewerForToken(await app.login(username));
  return app.services.enterCustomer(viewer, customerInput(overrides) as never);
}

/** Sends an event to a customer through the engine (what the applications/contracts workflows do). */
export async function sendCustomer(app: TestApp, id: string, event: Record<string, unknown> & { type: string }, actor: Actor): Promise<CustomerRow> {
  return (await app.services.engine.apply(app.services.workflows.customer, id, event, actor)).row;
}

/** The customer's pending application of a kind (the one createCustomer opened, for PROTECTION). */
export async function pendingApplication(app: TestApp, customerId: string, kind = 'PROTECTION') {
  const page = await app.services.applications.list(await viewerFor(app, 'auditor1'), { customerId, kind: kind as never, status: 'PENDING' }, 'OLDEST_FIRST', {
    first: 1,
  });
  const row = page.nodes[0];
  if (!row) throw new Error(`no pending ${kind} application for ${customerId}`);
  return row;
}

export async function viewerFor(app: TestApp, username: string) {
  return app.services.users.viewerForToken(await app.login(username));
}

/** A protected prospect: created, then its PROTECTION application approved by auditor1 (A4). */
export async function protectedCustomer(app: TestApp, username = 'sales1', overrides: Record<string, unknown> = {}): Promise<CustomerRow> {
  const c = await createCustomer(app, username, overrides);
  const application = await pendingApplication(app, c.id);
  await app.services.applicationDecisions.approve(await viewerFor(app, 'auditor1'), application.id, 'ok');
  const [row] = await app.services.customers.byIds([c.id]);
  if (!row) throw new Error('customer vanished');
  return row;
}

/** A rejected prospect: its PROTECTION application rejected by auditor1 (P1). */
export async function rejectedCustomer(app: TestApp, username = 'sales1', reason = '地址不完整，请补充门牌号'): Promise<CustomerRow> {
  const c = await createCustomer(app, username);
  const application = await pendingApplication(app, c.id);
  await app.services.applicationDecisions.reject(await viewerFor(app, 'auditor1'), application.id, reason);
  const [row] = await app.services.customers.byIds([c.id]);
  if (!row) throw new Error('customer vanished');
  return row;
}

/** A pool customer (protected by `username`, then abandoned; the cool-down then applies to that user). */
export async function poolCustomer(app: TestApp, username = 'sales3'): Promise<CustomerRow> {
  const c = await protectedCustomer(app, username);
  return sendCustomer(app, c.id, { type: 'ABANDON', reason: 'not interested any more' }, await actorFor(app, username));
}

/** An intent customer: protected, then an INTENT application approved by auditor1 (P4). */
export async function intentCustomer(app: TestApp, username = 'sales1'): Promise<CustomerRow> {
  const c = await protectedCustomer(app, username);
  const application = await app.services.applicationOpenings.applyForIntent(await viewerFor(app, username), c.id, '客户确认了采购预算和时间');
  await app.services.applicationDecisions.approve(await viewerFor(app, 'auditor1'), application.id, 'ok');
  const [row] = await app.services.customers.byIds([c.id]);
  if (!row) throw new Error('customer vanished');
  return row;
}
