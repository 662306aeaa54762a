import type { Role } from '../db/schema.js';
import { ForbiddenError } from '../errors.js';

/** The signed-in user a request acts as. */
export interface Viewer {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
  /**
   * T1: the users a department manager reaches (their department's subtree, themselves included);
   * absent when the viewer's reach is not limited (a GLOBAL manager, and every other role).
   */
  readonly reach?: ReadonlySet<string>;
  /**
   * T2: the active pools a salesperson belongs to (whose customers they see in full and claim);
   * absent for roles whose work needs every pool (MANAGER, AUDITOR, AFTER_SALES, ADMIN).
   */
  readonly pools?: ReadonlySet<string>;
}

/** P8, T2: roles whose work needs every customer's details and every pool (the others see their own and their pools'). */
export const SEES_ALL_DETAILS = ['MANAGER', 'AUDITOR', 'AFTER_SALES', 'ADMIN'] as const satisfies readonly Role[];

export function hasRole(viewer: Viewer, ...roles: Role[]): boolean {
  return roles.some((r) => viewer.roles.includes(r));
}

export function requireRole(viewer: Viewer, ...roles: Role[]): void {
  if (!hasRole(viewer, ...roles)) {
    throw new ForbiddenError(`This needs one of the roles: ${roles.join(', ')}`, { requiredRoles: roles });
  }
}
