/**
 * The demo's teams (issue 17): two sales departments under the root, each with its own pool that
 * its people's customers fall to; manager1 sees everyone (GLOBAL), manager2 only 销售一部. Run
 * through the services like the rest of the story, before the customers' lives, so customers
 * that fall to the pool on the way land in their custodian's department's pool.
 */
import type { Viewer } from '../platform/auth/viewer.js';
import type { Services } from '../services.js';

export interface DemoTeams {
  /** The department of each salesperson. */
  departmentOf: Record<string, string>;
}

/** Departments, their pools and who is where; `viewer` names a demo user. */
export async function seedDemoTeams(services: Services, viewer: (username: string) => Viewer): Promise<DemoTeams> {
  const admin = viewer('admin');
  const one = await services.departments.create(admin, { name: '销售一部 Sales 1' });
  const two = await services.departments.create(admin, { name: '销售二部 Sales 2' });
  for (const [username, department] of [
    ['sales1', one.id],
    ['manager2', one.id],
    ['sales2', two.id],
    ['sales3', two.id],
  ] as const) {
    await services.users.moveUser(admin, viewer(username).id, department);
  }
  await services.users.update(admin, viewer('manager1').id, { scope: 'GLOBAL' });
  // 一部's pool: its members and sales1 as admin (assigns from it); 二部's: a daily claim limit of its own.
  const east = await services.pools.create(admin, { name: '一部公海 Sales 1 pool', memberDepartmentIds: [one.id], adminUserIds: [viewer('sales1').id] });
  const south = await services.pools.create(admin, { name: '二部公海 Sales 2 pool', memberDepartmentIds: [two.id], policy: { dailyClaimLimit: 10 } });
  await services.pools.setDepartmentPool(admin, one.id, east.id);
  await services.pools.setDepartmentPool(admin, two.id, south.id);
  return { departmentOf: { sales1: one.id, sales2: two.id, sales3: two.id } };
}

/** T4: sales1 locks one protected customer (its term stops running until it is unlocked). */
export async function lockDemoCustomer(services: Services, viewer: (username: string) => Viewer): Promise<void> {
  const sales1 = viewer('sales1');
  const page = await services.customers.list(sales1, { scope: 'MINE', state: 'prospect.protected' }, { field: 'NAME', direction: 'ASC' }, { first: 1 });
  const [customer] = page.nodes;
  if (customer) await services.customerLocks.lock(sales1, customer.id, '重点客户：年底集中采购，锁定跟进');
}
