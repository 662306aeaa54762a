/**
 * P6: formal customers nobody looks after — confirmed while no after-sales person could take
 * them (none active, or the policy's USER inactive). A manager assigns them with a transfer.
 */
import { and, asc, count, eq, isNull } from 'drizzle-orm';
import { requireRole, type Viewer } from '../platform/auth/viewer.js';
import type { Database } from '../platform/db/client.js';
import { customers, type CustomerRow } from '../platform/db/schema.js';
import { afterKey, decodeCursor, pageSize, toPage, type Page, type PageArgs } from '../platform/pagination.js';

/** Formal customers without a custodian, oldest first. MANAGER only. */
export async function unassignedFormalCustomers(database: Database, viewer: Viewer, args: PageArgs): Promise<Page<CustomerRow>> {
  requireRole(viewer, 'MANAGER');
  const limit = pageSize(args.first);
  const unassigned = and(eq(customers.stage, 'FORMAL'), isNull(customers.custodianId));
  const after = args.after ? decodeCursor(args.after, 2) : undefined;
  const rows = await database.db
    .select()
    .from(customers)
    .where(
      after
        ? and(
            unassigned,
            afterKey([
              [customers.createdAt, after[0]],
              [customers.id, after[1]],
            ]),
          )
        : unassigned,
    )
    .orderBy(asc(customers.createdAt), asc(customers.id))
    .limit(limit + 1);
  return toPage(
    rows,
    limit,
    (r) => [r.createdAt.toISOString(), r.id],
    async () => {
      const [c] = await database.db.select({ n: count() }).from(customers).where(unassigned);
      return c?.n ?? 0;
    },
  );
}
