/**
 * V4: who works on a complaint. Its handler (or a manager) starts and resolves it; a manager
 * hands it to another active AFTER_SALES user; the customer's side (whoever logged it, the
 * customer's custodian) or a manager closes or reopens it — a closed one only within policy
 * `complaint.reopenWithin`; a resolved one closes by itself after `complaint.autoCloseAfter`.
 * A department manager acts only on the complaints of the customers they reach (T1). The facts
 * are read in the statement that reads the complaint.
 */
import { and, eq, sql } from 'drizzle-orm';
import { complaints, customers, users } from '../../platform/db/schema.js';
import { reachesUser } from '../../users/department.service.js';
import { actorHasRole } from '../../workflow/actor.js';
import { addDuration } from '../../workflow/policy/duration.js';
import { hasReason } from '../../workflow/reason.js';
import type { ComplaintRule } from '../complaint.machine.js';

const isManager = (actor: Parameters<typeof actorHasRole>[0]) => actorHasRole(actor, 'MANAGER');

export const v4Complaints: ComplaintRule = {
  code: 'V4',
  title:
    'Complaints are logged, handled by after-sales (open → in progress → resolved), closed by the customer’s side or by themselves after a term, reopened within a term; first-contact resolution is counted',
  policyKeys: ['complaint.slaTerm', 'complaint.autoCloseAfter', 'complaint.reopenWithin'],
  terms: {
    autoCloseAfter: (start, policy) => addDuration(start, policy.complaint.autoCloseAfter),
  },
  guards: {
    isHandler: {
      check: ({ event }) => event.facts.isHandler || isManager(event.actor),
      refusal: { code: 'FORBIDDEN', message: 'Only its handler (or a manager) works on this complaint', who: ['handler', 'MANAGER'] },
    },
    mayClose: {
      check: ({ event }) => event.facts.isCustomerSide || isManager(event.actor),
      refusal: {
        code: 'FORBIDDEN',
        message: 'Only who logged it, the customer’s custodian or a manager closes or reopens a complaint',
        who: ['opener', 'custodian', 'MANAGER'],
      },
    },
    isManager: {
      check: ({ event }) => isManager(event.actor),
      refusal: { code: 'FORBIDDEN', message: 'Only a manager hands a complaint to another handler', who: ['MANAGER'] },
    },
    reachesCustomer: {
      check: ({ event }) => event.facts.reaches,
      refusal: { code: 'FORBIDDEN', message: 'This complaint’s customer belongs to someone outside your department' },
    },
    toAfterSales: {
      check: ({ event }) => event.facts.toAfterSales,
      refusal: { code: 'BAD_USER_INPUT', message: 'must be an active AFTER_SALES user', field: 'toUserId' },
      onInput: true,
    },
    withinReopenWindow: {
      check: ({ event }) => event.facts.withinReopenWindow,
      refusal: { code: 'FORBIDDEN', message: 'This complaint was closed too long ago to reopen (policy complaint.reopenWithin); log a new one' },
    },
    hasResolution: {
      check: ({ event }) => hasReason({ reason: event.resolution }, 2),
      refusal: { code: 'BAD_USER_INPUT', message: 'Say how it was resolved', field: 'resolution' },
    },
    hasReason: {
      check: ({ event }) => hasReason(event),
      refusal: { code: 'BAD_USER_INPUT', message: 'A reason is required', field: 'reason' },
    },
    isSystem: {
      check: ({ event }) => event.actor.kind === 'system',
      refusal: { code: 'FORBIDDEN', message: 'Only the system closes a complaint by itself', who: ['system'] },
    },
  },
  facts: [
    {
      defaults: { isHandler: false, isCustomerSide: false, reaches: true, withinReopenWindow: false },
      events: ['START', 'RESOLVE', 'CLOSE', 'REOPEN', 'REASSIGN'],
      select: ({ id, actorId, now, policy }) => sql`(select jsonb_build_object(
          'isHandler', k.handler_id = ${actorId},
          'isCustomerSide', k.opened_by_id = ${actorId} or c.custodian_id is not distinct from ${actorId},
          'reaches', ${reachesUser(actorId, sql`c.custodian_id`)},
          'withinReopenWindow', coalesce(k.closed_at > ${now} - ${policy.complaint.reopenWithin}::interval, false))
        from ${complaints} k join ${customers} c on c.id = k.customer_id where k.id = ${id})`,
    },
    {
      defaults: { toAfterSales: false },
      events: ['REASSIGN'],
      async load({ executor, event }) {
        if (typeof event.toUserId !== 'string') return { toAfterSales: false };
        const [user] = await executor
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.id, event.toUserId), eq(users.active, true), sql`'AFTER_SALES' = any(${users.roles})`));
        return { toAfterSales: user !== undefined };
      },
    },
  ],
  effects: {
    // V4: resolved on first contact = no reopening and no hand-off before this resolution.
    async recordResolution({ tx, row, event, now }) {
      const firstContact = sql`not exists (select 1 from transitions t where t.entity_id = ${row.id} and t.machine = 'complaint' and t.event in ('REOPEN', 'REASSIGN'))`;
      await tx
        .update(complaints)
        .set({ resolution: String(event.resolution ?? '').trim(), resolvedAt: now, resolvedOnFirstContact: firstContact })
        .where(eq(complaints.id, row.id));
    },
    async recordClose({ tx, row, now }) {
      await tx.update(complaints).set({ closedAt: now }).where(eq(complaints.id, row.id));
    },
    async clearResolution({ tx, row }) {
      await tx.update(complaints).set({ resolvedAt: null, resolvedOnFirstContact: null, closedAt: null }).where(eq(complaints.id, row.id));
    },
    async changeHandler({ tx, row, event }) {
      if (typeof event.toUserId === 'string') await tx.update(complaints).set({ handlerId: event.toUserId }).where(eq(complaints.id, row.id));
    },
  },
};
