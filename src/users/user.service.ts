/** Users, sign-in and the viewer behind a token. */
import { asc, count, eq, sql } from 'drizzle-orm';
import { QueryBuilder } from 'drizzle-orm/pg-core';
import { anyUuid, arrayLiteral } from '../platform/db/sql.js';
import type { Database } from '../platform/db/client.js';
import { userCardColumns, users, type UserCard, type UserRow } from '../platform/db/schema.js';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from '../platform/auth/password.js';
import type { TokenService } from '../platform/auth/tokens.js';
import { requireRole, type Viewer } from '../platform/auth/viewer.js';
import { DuplicateError, NotFoundError, UnauthenticatedError } from '../platform/errors.js';
import { parseInput } from '../platform/validation.js';
import { afterKey, decodeCursor, pageSize, toPage, type Page, type PageArgs } from '../platform/pagination.js';
import type { Clock } from '../platform/clock.js';
import { createUserInput, updateUserInput, type CreateUserInput, type UpdateUserInput } from './user.validation.js';
import { ViewerCache } from './viewer-cache.js';
import { builtOnce, rowReader } from '../platform/db/read-rows.js';

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
    .select(userCardColumns)
    .from(users)
    .where(anyUuid(users.id, sql.placeholder('ids'))),
);

/** Users: sign-in, the viewer behind a token, and administration (ADMIN). */
export class UserService {
  private readonly viewers: ViewerCache;

  constructor(
    private readonly database: Database,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    /** 0 looks the user up on every request. */
    viewerCacheMs = DEFAULT_VIEWER_CACHE_MS,
  ) {
    this.viewers = new ViewerCache({ ttlMs: viewerCacheMs, clock });
  }

  private get db() {
    return this.database.db;
  }

  /** Same answer for an unknown user, a wrong password and a deactivated account. */
  async login(username: string, password: string): Promise<{ token: string; expiresAt: Date; user: UserRow }> {
    const [row] = await this.db
      .select()
      .from(users)
      .where(eq(sql`lower(${users.username})`, username.trim().toLowerCase()));
    const ok = await verifyPassword(password, row?.passwordHash ?? (await DUMMY_HASH_PROMISE));
    if (!row || !ok || !row.active) throw new UnauthenticatedError('Wrong username or password');
    const { token, expiresAt } = await this.tokens.sign(row.id);
    return { token, expiresAt, user: row };
  }

  /**
   * The viewer for a bearer token. The token is verified every time; the user behind it is served
   * from this process's cache for up to VIEWER_CACHE_MS (only active users are cached). A change
   * through {@link update} drops the entry, so here it takes effect at once; on other instances
   * within VIEWER_CACHE_MS.
   */
  async viewerForToken(token: string): Promise<Viewer> {
    const id = await this.tokens.verify(token);
    return this.viewers.get(id, (userId) => this.activeViewer(userId));
  }

  /** A deactivated or vanished user's token stops working. */
  private async activeViewer(id: string): Promise<Viewer> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id));
    if (!row || !row.active) throw new UnauthenticatedError('This account is not active');
    return toViewer(row);
  }

  async byId(id: string): Promise<UserRow> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id));
    if (!row) throw new NotFoundError('User', id);
    return row;
  }

  /** Batch lookup for loaders: one row (or null) per id, in the order asked. */
  async byIds(ids: readonly string[]): Promise<(UserCard | null)[]> {
    const rows = await userCards.run(this.database, this.db, cardsByIds(), { ids: arrayLiteral(ids) });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
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
    const { username, displayName, password, roles } = parseInput(createUserInput, raw, { root: 'input' });
    const passwordHash = await hashPassword(password);
    const now = this.clock();
    const [row] = await this.db
      .insert(users)
      .values({ username, displayName, passwordHash, roles, createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new DuplicateError(`Username ${username} is taken`, [{ username }]);
    return row;
  }

  async update(viewer: Viewer, id: string, raw: UpdateUserInput): Promise<UserRow> {
    requireRole(viewer, 'ADMIN');
    const input = parseInput(updateUserInput(id === viewer.id), raw, { root: 'input' });
    const [row] = await this.db
      .update(users)
      .set({
        ...(input.displayName != null && { displayName: input.displayName }),
        ...(input.roles != null && { roles: [...new Set(input.roles)] }),
        ...(input.active != null && { active: input.active }),
        ...(input.password != null && { passwordHash: await hashPassword(input.password) }),
        updatedAt: this.clock(),
      })
      .where(eq(users.id, id))
      .returning();
    // Roles, activity or password changed: this instance stops serving the old viewer at once.
    this.viewers.drop(id);
    if (!row) throw new NotFoundError('User', id);
    return row;
  }
}
