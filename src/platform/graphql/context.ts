/**
 * The per-request context: who is asking and this request's memo (DataLoaders and other
 * per-request values). It knows no feature: resolvers receive their services by constructor
 * injection (see `src/schema.ts`), and each feature defines its own loaders.
 */
import type { AuthChecker } from 'type-graphql';
import type { Role } from '../db/schema.js';
import type { Viewer } from '../auth/viewer.js';
import { hasRole } from '../auth/viewer.js';
import { DomainError, ForbiddenError, UnauthenticatedError } from '../errors.js';
import type { Announcements } from '../events/announcements.js';

/** Values made once per request on first use: DataLoaders, effective rows, … */
export class RequestScope {
  private readonly memo = new Map<unknown, unknown>();

  /** The value `make(dependency)` for this request, made on first use. `make` is the key. */
  use<D, T>(make: (dependency: D) => T, dependency: D): T {
    if (!this.memo.has(make)) this.memo.set(make, make(dependency));
    return this.memo.get(make) as T;
  }
}

export interface Context {
  viewer: Viewer | null;
  /** Why there is no viewer although a token was sent (expired, tampered, deactivated). */
  authError: DomainError | null;
  scope: RequestScope;
  /** Who sent the request, for sign-in throttling (client-address.ts); undefined in-process. */
  clientAddress: string | undefined;
  /** What the database announces after commit: set on subscription connections (subscriptions.ts). */
  announcements?: Announcements;
}

/** Resolves a bearer token to its viewer, or throws a DomainError saying why not. */
export type ViewerForToken = (token: string) => Promise<Viewer>;

export async function createContext(viewerForToken: ViewerForToken, token: string | undefined, clientAddress?: string): Promise<Context> {
  let viewer: Viewer | null = null;
  let authError: DomainError | null = null;
  if (token) {
    try {
      viewer = await viewerForToken(token);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      authError = err;
    }
  }
  return { viewer, authError, scope: new RequestScope(), clientAddress };
}

/** The viewer, or the reason there is none. */
export function viewerOf(ctx: Context): Viewer {
  if (!ctx.viewer) throw ctx.authError ?? new UnauthenticatedError();
  return ctx.viewer;
}

/** Coarse role checks for `@Authorized(...)`; record-level rules live in the domain. */
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  const viewer = viewerOf(context);
  if (roles.length > 0 && !hasRole(viewer, ...roles)) {
    throw new ForbiddenError(`This needs one of the roles: ${roles.join(', ')}`, { requiredRoles: roles });
  }
  return true;
};

export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
  return match?.[1];
}
