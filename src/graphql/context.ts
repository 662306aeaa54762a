/** The per-request context: who is asking, the services, and this request's loaders. */
import type { AuthChecker } from 'type-graphql';
import type { Viewer } from '../domain/auth/viewer.js';
import { hasRole } from '../domain/auth/viewer.js';
import { DomainError, ForbiddenError, UnauthenticatedError } from '../shared/errors.js';
import type { Role } from '../db/schema.js';
import type { Services } from '../services.js';
import { createLoaders, type Loaders } from './loaders.js';

export interface Context {
  viewer: Viewer | null;
  /** Why there is no viewer although a token was sent (expired, tampered, deactivated). */
  authError: DomainError | null;
  services: Services;
  loaders: Loaders;
}

export async function createContext(services: Services, token: string | undefined): Promise<Context> {
  let viewer: Viewer | null = null;
  let authError: DomainError | null = null;
  if (token) {
    try {
      viewer = await services.users.viewerForToken(token);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      authError = err;
    }
  }
  return { viewer, authError, services, loaders: createLoaders(services) };
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
