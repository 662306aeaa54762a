/**
 * T5: a customer's team as its rows hold it (the machine context's `collaborators`), for the
 * rules that let collaborators read (P8) and write (F1, F2) its details.
 */
import type { CustomerRow } from '../platform/db/schema.js';
import { COLLABORATOR_ACCESS, type Collaboration, type CollaboratorAccess } from './customer.machine.js';

const isAccess = (value: unknown): value is CollaboratorAccess => COLLABORATOR_ACCESS.some((a) => a === value);

/** The team of a customer (as it is now: pass a projected row), by user id; malformed entries are ignored. */
export function collaboratorsOf(row: Pick<CustomerRow, 'snapshot'>): Record<string, Collaboration> {
  const team = (row.snapshot.context as { collaborators?: unknown } | undefined)?.collaborators;
  if (!team || typeof team !== 'object') return {};
  const out: Record<string, Collaboration> = {};
  for (const [userId, entry] of Object.entries(team)) {
    const { access, since } = (entry ?? {}) as { access?: unknown; since?: unknown };
    if (isAccess(access) && typeof since === 'string') out[userId] = { access, since };
  }
  return out;
}

/** What `userId` may do on the customer as a collaborator (null: not one). */
export function collaboratorAccess(row: Pick<CustomerRow, 'snapshot'>, userId: string): CollaboratorAccess | null {
  return collaboratorsOf(row)[userId]?.access ?? null;
}
