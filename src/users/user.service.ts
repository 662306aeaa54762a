/** Users, sign-in and the viewer behind a token. */
import { asc, count, eq, sql, type SQL } from 'drizzle-orm';
import { QueryBuilder } from 'drizzle-orm/pg-core';
import { anyUuid, arrayLiteral } from '../platform/db/sql.js';
import type { Database } from '../platform/db/client.js';
import { departments, userCardColumns, users, type Role, type UserCard, type UserRow } from '../platform/db/schema.js';
import { DUMMY_HASH_PROMISE, hashPassword, MAX_PASSWORD_LENGTH, verifyPassword } from '../platform/auth/password.js';
import type { TokenService } from '../platform/auth/tokens.js';
import { requireRole, SEES_ALL_DETAILS, type Viewer } from '../platform/auth/viewer.js';
import { DuplicateError, NotFoundError, UnauthenticatedError, ValidationError } from '../platform/errors.js';
import { isScoped, loadReach } from './department.service.js';
import { DEFAULT_LOGIN_THROTTLE, type LoginThrottlePolicy } from '../platform/auth/throttle-policy.js';
import { attemptKeys, LoginThrottle } from './login-throttle.js';
import { parseInput } from '../platform/validation.js';
import { afterKey, decodeCursor, pageSize, toPage, type Page, type PageArgs } from '../platform/pagination.js';
import type { Clock } from '../platform/clock.js';
import { createUserInput, updateUserInput, type CreateUserInput, type UpdateUserInput } from './user.validation.js';
import { ViewerCache } from './viewer-cache.js';
import { builtOnce, keyedColumns, rowReader } from '../platform/db/read-rows.js';

/** How long this process serves a user's viewer without looking the user up again (VIEWER_CACHE_MS). */
export const DEFAULT_VIEWER_CACHE_MS = 5_000;

/** The viewer a user row signs in as. */
export function toViewer(row: UserRow): Viewer {
  return { id: row.id, username: row.username, displayName: row.displayName, roles: row.roles };
}

const userCards = rowReader<UserCard>(userCardColumns);
/** The cards of the users `ids` (loaders), built once. */
const cardsByIds = builtOnce(() =>
  new QueryBuilder()
    .select(keyedColumns(userCardColumns))
    .from(users)
    .where(anyUuid(users.id, sql.placeholder('ids'))),
);

/** A signed-in user as the viewer cache keeps it: the viewer and the token generation in force. */
interface SignedIn {
  viewer: Viewer;
  generation: number;
}

/** Too long to be anyone's password (issue 15): refused without hashing it, in the same time. */
function overlong(password: string): boolean {
  return password.length > MAX_PASSWORD_LENGTH && (password.length > 2 * MAX_PASSWORD_LENGTH || [...password].length > MAX_PASSWORD_LENGTH);
}

/**
 * Issue 15: whether an update revokes the user's tokens (SQL over the old row): a new password,
 * deactivation, or a role taken away. Undefined when it cannot.
 */
function revokesTokens(input: { password?: string | null; active?: boolean | null; roles?: readonly Role[] | null }): SQL | undefined {
  if (input.password != null || input.active === false) return sql`true`;
  if (input.roles == null) return undefined;
  const kept = sql.join(
    input.roles.map((role) => sql`${role}`),
    sql`, `,
  );
  return sql`not (${users.roles} <@ array[${kept}]::text[])`;
}

/** Users: sign-in, the viewer behind a token, and administration (ADMIN). */
export class UserService {
  private readonly viewers: ViewerCache<SignedIn>;
  /** Users' cards (custodians, authors on every list), kept as long as viewers: they rarely change. */
  private readonly cards: ViewerCache<UserCard>;
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly database: Database,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    /** 0 looks the user up on every request. */
    viewerCacheMs = DEFAULT_VIEWER_CACHE_MS,
    throttlePolicy: LoginThrottlePolicy = DEFAULT_LOGIN_THROTTLE,
  ) {
    this.viewers = new ViewerCache<SignedIn>({ ttlMs: viewerCacheMs, clock });
    this.cards = new ViewerCache<UserCard>({ ttlMs: viewerCacheMs, clock });
    this.throttle = new LoginThrottle(database, clock, throttlePolicy);
  }

  private get db() {
    return this.database.db;
  }

  /**
   * Same answer, in the same time, for an unknown user, a wrong password and a deactivated account
   * (an unknown user's password is checked against a dummy hash). Throttled per username and per
   * client address (issue 15, login-throttle.ts): TooManyAttemptsError while locked.
   */
  async login(username: string, password: string, clientAddress?: string): Promise<{ token: string; expiresAt: Date; user: UserRow }> {
    const keys = attemptKeys(username, clientAddress);
    await this.throttle.check(keys);
    const [row] = await this.db
      .select()
      .from(users)
      .where(eq(sql`lower(${users.username})`, username.trim().toLowerCase()));
    const tooLong = overlong(password);
    const ok = (await verifyPassword(tooLong ? '' : password, row?.passwordHash ?? (await DUMMY_HASH_PROMISE))) && !tooLong;
    if (!row || !ok || !row.active) {
      await this.throttle.failed(keys);
      throw new UnauthenticatedError('Wrong username or password');
    }
    await this.throttle.succeeded(keys);
    const { token, expiresAt } = await this.tokens.sign(row.id, row.tokenGeneration);
    return { token, expiresAt, user: row };
  }

  /**
   * The viewer for a bearer token. The token is verified every time; the user behind it is served
   * from this process's cache for up to VIEWER_CACHE_MS (only active users are cached). A change
   * through {@link update} or {@link signOutEverywhere} drops the entry, so here it takes effect at
   * once; on other instances within VIEWER_CACHE_MS. A token of an older generation than the
   * user's is revoked (issue 15); one of a newer generation than the cached one looks again.
   */
  async viewerForToken(token: string): Promise<Viewer> {
    const { userId, generation } = await this.tokens.verify(token);
    let signedIn = await this.viewers.get(userId, (id) => this.activeViewer(id));
    if (generation > signedIn.generation) {
      this.viewers.drop(userId);
      signedIn = await this.viewers.get(userId, (id) => this.activeViewer(id));
    }
    if (generation !== signedIn.generation) throw new UnauthenticatedError('Token revoked: sign in again');
    return signedIn.viewer;
  }

  /** A deactivated or vanished user's token stops working. */
  private async activeViewer(id: string): Promise<SignedIn> {
    // T2: the pools a user belongs to, in the statement that reads them (migration 0021's SQL function).
    const memberPools = sql<string[]>`array(select custodian_member_pools(${users.id}))::text[]`;
    const [found] = await this.db.select({ row: users, memberPools }).from(users).where(eq(users.id, id));
    if (!found || !found.row.active) throw new UnauthenticatedError('This account is not active');
    const { row } = found;
    // T1: a department manager's reach is loaded with the viewer (and forgotten when anyone moves).
    const reach = isScoped(row.roles, row.scope) ? await loadReach(this.db, row.id) : undefined;
    // T2: a salesperson's pools likewise (forgotten when a pool's members change); every pool for the other roles.
    const pools = row.roles.some((r) => (SEES_ALL_DETAILS as readonly Role[]).includes(r)) ? undefined : new Set(found.memberPools);
    return { viewer: { ...toViewer(row), ...(reach && { reach }), ...(pools && { pools }) }, generation: row.tokenGeneration };
  }

  /**
   * T1, T2: whom managers reach or which pools people belong to changed (a user or a department
   * moved, a scope or a pool's members changed): this instance forgets every cached viewer at once; other instances serve the old reach for at most
   * VIEWER_CACHE_MS. Machine guards read the reach afresh in the transition (T1's facts).
   */
  forgetViewers(): void {
    this.viewers.clear();
  }

  /** T7: a user changed outside {@link update} (deactivated by a hand-over): this instance stops serving their viewer and card at once. */
  forget(id: string): void {
    this.viewers.drop(id);
    this.cards.drop(id);
  }

  /** T1: moves a user to another department (ADMIN); managers' reach follows at once. */
  async moveUser(viewer: Viewer, id: string, departmentId: string): Promise<UserRow> {
    requireRole(viewer, 'ADMIN');
    await this.requireDepartment(departmentId, 'departmentId');
    const [row] = await this.db.update(users).set({ departmentId, updatedAt: this.clock() }).where(eq(users.id, id)).returning();
    this.forgetViewers();
    this.cards.drop(id);
    if (!row) throw new NotFoundError('User', id);
    return row;
  }

  private async requireDepartment(id: string | null | undefined, field: string): Promise<void> {
    if (id == null) return;
    const [found] = await this.db.select({ id: departments.id }).from(departments).where(eq(departments.id, id));
    if (!found) throw new ValidationError({ [field]: `no department ${id}` });
  }

  /**
   * Revokes every token of a user at once (issue 15): yourself, or anyone for an ADMIN. Here at
   * once; other instances stop serving them within VIEWER_CACHE_MS.
   */
  async signOutEverywhere(viewer: Viewer, id = viewer.id): Promise<void> {
    if (id !== viewer.id) requireRole(viewer, 'ADMIN');
    const rows = await this.db
      .update(users)
      .set({ tokenGeneration: sql`${users.tokenGeneration} + 1` })
      .where(eq(users.id, id))
      .returning({ id: users.id });
    this.viewers.drop(id);
    this.cards.drop(id);
    if (rows.length === 0) throw new NotFoundError('User', id);
  }

  async byId(id: string): Promise<UserRow> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id));
    if (!row) throw new NotFoundError('User', id);
    return row;
  }

  /** Batch lookup for loaders: one row (or null) per id, in the order asked. */
  /** A user's card if this process holds it fresh (VIEWER_CACHE_MS), else undefined: `byIds` reads it then. */
  freshCard(id: string): UserCard | undefined {
    return this.cards.fresh(id);
  }

  /** Users' cards by id (null for an unknown id); fresh cached cards need no statement (VIEWER_CACHE_MS). */
  async byIds(ids: readonly string[]): Promise<(UserCard | null)[]> {
    const missing = ids.filter((id) => this.cards.fresh(id) === undefined);
    const rows = missing.length === 0 ? [] : await userCards.run(this.database, this.db, cardsByIds(), { ids: arrayLiteral(missing) });
    const loaded = new Map(rows.map((r) => [r.id, r]));
    for (const r of rows) this.cards.put(r.id, r);
    return ids.map((id) => loaded.get(id) ?? this.cards.fresh(id) ?? null);
  }

  async list(viewer: Viewer, args: PageArgs): Promise<Page<UserCard>> {
    requireRole(viewer, 'ADMIN', 'MANAGER');
    const limit = pageSize(args.first);
    const after = args.after ? decodeCursor(args.after, 2) : undefined;
    const rows = await this.db
      .select(userCardColumns)
      .from(users)
      .where(
        after
          ? afterKey([
              [users.createdAt, after[0]],
              [users.id, after[1]],
            ])
          : undefined,
      )
      .orderBy(asc(users.createdAt), asc(users.id))
      .limit(limit + 1);
    return toPage(
      rows,
      limit,
      (u) => [u.createdAt.toISOString(), u.id],
      async () => {
        const [c] = await this.db.select({ n: count() }).from(users);
        return c?.n ?? 0;
      },
    );
  }

  async create(viewer: Viewer, raw: CreateUserInput): Promise<UserRow> {
    requireRole(viewer, 'ADMIN');
    const { username, displayName, password, roles, departmentId, scope } = parseInput(createUserInput, raw, { root: 'input' });
    await this.requireDepartment(departmentId, 'input.departmentId');
    const passwordHash = await hashPassword(password);
    const now = this.clock();
    const [row] = await this.db
      .insert(users)
      .values({ username, displayName, passwordHash, roles, ...(departmentId && { departmentId }), ...(scope && { scope }), createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new DuplicateError(`Username ${username} is taken`, [{ username }]);
    return row;
  }

  async update(viewer: Viewer, id: string, raw: UpdateUserInput): Promise<UserRow> {
    requireRole(viewer, 'ADMIN');
    const input = parseInput(updateUserInput(id === viewer.id), raw, { root: 'input' });
    const revoke = revokesTokens(input);
    await this.requireDepartment(input.departmentId, 'input.departmentId');
    const [row] = await this.db
      .update(users)
      .set({
        ...(input.displayName != null && { displayName: input.displayName }),
        ...(input.roles != null && { roles: [...new Set(input.roles)] }),
        ...(input.active != null && { active: input.active }),
        ...(input.departmentId != null && { departmentId: input.departmentId }),
        ...(input.scope != null && { scope: input.scope }),
        ...(input.password != null && { passwordHash: await hashPassword(input.password) }),
        ...(revoke && { tokenGeneration: sql`${users.tokenGeneration} + case when ${revoke} then 1 else 0 end` }),
        updatedAt: this.clock(),
      })
      .where(eq(users.id, id))
      .returning();
    // Roles, activity or password changed: this instance stops serving the old viewer (and tokens) at once.
    this.viewers.drop(id);
    // T1: a moved user changes whom their managers reach.
    if (input.departmentId != null) this.forgetViewers();
    this.cards.drop(id);
    if (!row) throw new NotFoundError('User', id);
    return row;
  }
}
