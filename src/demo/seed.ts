/**
 * Demo data for a first look: seeded on an empty database when asked (the default on the
 * embedded database). Every demo user's password is `demo`.
 */
import { count } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../db/client.js';
import { users, type Role } from '../db/schema.js';
import { hashPassword } from '../domain/auth/password.js';
import type { Services } from '../services.js';
import type { Clock } from '../shared/clock.js';

export const DEMO_PASSWORD = 'demo';

export const DEMO_USERS: ReadonlyArray<{ username: string; displayName: string; roles: Role[] }> = [
  { username: 'sales1', displayName: '王销售 (sales1)', roles: ['SALES'] },
  { username: 'sales2', displayName: '李销售 (sales2)', roles: ['SALES'] },
  { username: 'sales3', displayName: '张销售 (sales3)', roles: ['SALES'] },
  { username: 'auditor1', displayName: '赵审核 (auditor1)', roles: ['AUDITOR'] },
  { username: 'aftersales1', displayName: '钱售后 (aftersales1)', roles: ['AFTER_SALES'] },
  { username: 'manager1', displayName: '孙经理 (manager1)', roles: ['MANAGER'] },
  { username: 'designer1', displayName: '周设计 (designer1)', roles: ['DESIGNER'] },
  { username: 'admin', displayName: 'Administrator', roles: ['ADMIN'] },
];

/** Seeds only a database without users; returns whether it seeded. */
export async function seedDemoData(database: Database, _services: Services, clock: Clock, logger: Logger): Promise<boolean> {
  const [existing] = await database.db.select({ n: count() }).from(users);
  if ((existing?.n ?? 0) > 0) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const now = clock();
  await database.db.transaction(async (tx) => {
    await tx.insert(users).values(DEMO_USERS.map((u) => ({ ...u, passwordHash, createdAt: now, updatedAt: now })));
  });
  logger.info({ users: DEMO_USERS.map((u) => u.username) }, 'seeded demo data');
  return true;
}
