import type { Role } from '../platform/db/schema.js';

/**
 * Who sends an event: a signed-in user or the system (the deadline sweeper). Every event a
 * machine sees carries its actor, the facts its guards need and the time.
 */
export type Actor =
  | { readonly kind: 'user'; readonly id: string; readonly roles: readonly Role[]; readonly displayName?: string }
  | { readonly kind: 'system'; readonly id: null; readonly name: string };

export const SYSTEM_SWEEPER: Actor = { kind: 'system', id: null, name: 'sweeper' };

export function actorHasRole(actor: Actor, ...roles: Role[]): boolean {
  return actor.kind === 'user' && roles.some((r) => actor.roles.includes(r));
}

/** The actor for a signed-in user. */
export function actorOf(viewer: { id: string; roles: readonly Role[]; displayName?: string }): Actor {
  return { kind: 'user', id: viewer.id, roles: viewer.roles, displayName: viewer.displayName };
}
