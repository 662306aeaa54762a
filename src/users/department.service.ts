/**
 * T1: departments form a tree; every user belongs to one. A manager whose scope is DEPARTMENT
 * reaches the users of their department's subtree (themselves included); one whose scope is
 * GLOBAL reaches everyone. Only managers are scoped: AUDITOR, AFTER_SALES and ADMIN see every
 * customer their work needs, so a manager who also holds one of those roles is not limited.
 * Departments are renamed and moved, never deleted (E6).
 */
import { and, asc, count, eq, sql, type SQL } from 'drizzle-orm';
import type { Database, Executor } from '../platform/db/client.js';
import { uniqueViolation } from '../platform/db/errors.js';
import { departments, ROOT_DEPARTMENT_ID, users, type DepartmentRow, type Role, type Scope } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { requireRole, type Viewer } from '../platform/auth/viewer.js';
import { DuplicateError, NotFoundError, ValidationError } from '../platform/errors.js';

export { ROOT_DEPARTMENT_ID };

/** Roles that see every customer whatever their department (T1 scopes managers only). */
const UNSCOPED_ROLES: readonly Role[] = ['AUDITOR', 'AFTER_SALES', 'ADMIN'];

/** Whether a user with these roles and scope is limited to their department's subtree. */
export function isScoped(roles: readonly Role[], scope: Scope): boolean {
  return scope === 'DEPARTMENT' && roles.includes('MANAGER') && !roles.some((r) => UNSCOPED_ROLES.includes(r));
}

/** The ids of the departments in `departmentId`'s subtree (itself included), as a SQL set. */
export function subtreeOf(departmentId: string): SQL {
  return sql`(with recursive sub(id) as (
      select ${departmentId}::uuid
      union select d.id from departments d join sub on d.parent_id = sub.id
    ) select id from sub)`;
}

/** SQL: whether the user `actorId` is limited to their department's subtree (isScoped, in SQL). */
function scopedSql(actorId: SQL): SQL {
  return sql`exists (select 1 from ${users} as me where me.id = ${actorId} and me.scope = 'DEPARTMENT'
    and 'MANAGER' = any(me.roles) and not (me.roles && ${`{${UNSCOPED_ROLES.join(',')}}`}::text[]))`;
}

/**
 * T1 in SQL, for a guard's fact read in the statement that reads the row: whether `actorId`
 * reaches the user `userId` (nobody's, an unscoped actor, or a scoped manager whose department
 * is on the path from that user's department up to the root). Same answer as loadReach.
 */
export function reachesUser(actorId: SQL, userId: SQL): SQL {
  return sql`(${userId} is null or not ${scopedSql(actorId)} or exists (
    select 1 from ${users} as me where me.id = ${actorId}
      and me.department_id in (select chain.id from custodian_department_chain(${userId}) as chain)))`;
}

/** T1: the users `userId` reaches (their department's subtree), or undefined when not limited. */
export async function loadReach(executor: Executor, userId: string): Promise<ReadonlySet<string> | undefined> {
  const [me] = await executor.select({ roles: users.roles, scope: users.scope, departmentId: users.departmentId }).from(users).where(eq(users.id, userId));
  if (!me || !isScoped(me.roles, me.scope)) return undefined;
  const rows = await executor
    .select({ id: users.id })
    .from(users)
    .where(sql`${users.departmentId} in ${subtreeOf(me.departmentId)}`);
  return new Set([userId, ...rows.map((r) => r.id)]);
}

/** A department with what the tree view shows. */
export interface DepartmentNode extends DepartmentRow {
  /** Users in this department itself (not its subdepartments). */
  memberCount: number;
}

export interface DepartmentInput {
  name?: string | null;
  parentId?: string | null;
}

/** Departments (ADMIN): the tree, creating, renaming and moving. */
export class DepartmentService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    /** A department moved: whom managers reach changed (the viewer cache forgets what it holds). */
    private readonly reachChanged: () => void,
  ) {}

  private get db() {
    return this.database.db;
  }

  /** Every department with its member count, by name (the tree is built from parentId). */
  async all(): Promise<DepartmentNode[]> {
    const members = this.db
      .select({ departmentId: users.departmentId, n: count().as('n') })
      .from(users)
      .groupBy(users.departmentId)
      .as('members');
    const rows = await this.db
      .select({ department: departments, n: members.n })
      .from(departments)
      .leftJoin(members, eq(members.departmentId, departments.id))
      .orderBy(asc(departments.name), asc(departments.id));
    return rows.map((r) => ({ ...r.department, memberCount: r.n ?? 0 }));
  }

  async list(viewer: Viewer): Promise<DepartmentNode[]> {
    requireRole(viewer, 'ADMIN');
    return this.all();
  }

  async get(viewer: Viewer, id: string): Promise<DepartmentNode> {
    requireRole(viewer, 'ADMIN');
    const found = (await this.all()).find((d) => d.id === id);
    if (!found) throw new NotFoundError('Department', id);
    return found;
  }

  async create(viewer: Viewer, input: DepartmentInput): Promise<DepartmentRow> {
    requireRole(viewer, 'ADMIN');
    const name = requiredName(input.name);
    const parentId = input.parentId ?? ROOT_DEPARTMENT_ID;
    return this.saving(name, async () => {
      await this.requireExists(this.db, parentId, 'input.parentId');
      const now = this.clock();
      const [row] = await this.db.insert(departments).values({ name, parentId, createdAt: now, updatedAt: now }).returning();
      if (!row) throw new Error('insert returned nothing');
      return row;
    });
  }

  /** Renames or moves a department; moving it under itself or its own subtree is refused (BAD_USER_INPUT on input.parentId). */
  async update(viewer: Viewer, id: string, input: DepartmentInput): Promise<DepartmentRow> {
    requireRole(viewer, 'ADMIN');
    const name = input.name == null ? undefined : requiredName(input.name);
    const parentId = input.parentId ?? undefined;
    const row = await this.saving(name ?? '', () =>
      this.db.transaction(async (tx) => {
        // Moves are serialised, so two simultaneous moves cannot make a cycle neither saw.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('T1 departments', 0))`);
        const [current] = await tx.select().from(departments).where(eq(departments.id, id)).for('update');
        if (!current) throw new NotFoundError('Department', id);
        if (parentId !== undefined && parentId !== current.parentId) {
          await this.requireExists(tx, parentId, 'input.parentId');
          const [inside] = await tx
            .select({ id: departments.id })
            .from(departments)
            .where(and(eq(departments.id, parentId), sql`${departments.id} in ${subtreeOf(id)}`));
          if (inside) {
            throw new ValidationError({ 'input.parentId': 'a department cannot move under itself or its own subdepartments (T1)' }, 'Invalid input', {
              rule: 'T1',
            });
          }
        }
        const [updated] = await tx
          .update(departments)
          .set({ ...(name !== undefined && { name }), ...(parentId !== undefined && { parentId }), updatedAt: this.clock() })
          .where(eq(departments.id, id))
          .returning();
        if (!updated) throw new NotFoundError('Department', id);
        return updated;
      }),
    );
    if (parentId !== undefined) this.reachChanged();
    return row;
  }

  private async requireExists(executor: Executor, id: string, field: string): Promise<void> {
    const [found] = await executor.select({ id: departments.id }).from(departments).where(eq(departments.id, id));
    if (!found) throw new ValidationError({ [field]: `no department ${id}` });
  }

  /** Sibling names are unique (case-insensitive): a taken one is DUPLICATE. */
  private async saving<T>(name: string, save: () => Promise<T>): Promise<T> {
    try {
      return await save();
    } catch (err) {
      if (uniqueViolation(err)) throw new DuplicateError(`A department named ${name} already exists under this parent`, [{ name }]);
      throw err;
    }
  }
}

function requiredName(name: string | null | undefined): string {
  const trimmed = name?.trim() ?? '';
  if (!trimmed) throw new ValidationError({ 'input.name': 'is required' });
  if (trimmed.length > 100) throw new ValidationError({ 'input.name': 'must be at most 100 characters' });
  return trimmed;
}
