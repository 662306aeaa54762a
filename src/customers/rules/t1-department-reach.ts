/**
 * T1: departments form a tree; a manager whose scope is DEPARTMENT acts only on the customers of
 * the users in their department's subtree (and on customers nobody holds), and transfers them
 * only to someone inside it. A GLOBAL manager, and every other role, is not limited. The reach
 * is read afresh in the transition (users/department.service.ts), not from the cached viewer.
 */
import { loadReach } from '../../users/department.service.js';
import type { CustomerRule } from '../customer.machine.js';

/** Whether the customer is nobody's or its custodian is one of `reach`. */
const holds = (reach: ReadonlySet<string>, custodianId: string | null) => custodianId === null || reach.has(custodianId);

export const t1DepartmentReach: CustomerRule = {
  code: 'T1',
  title: 'A department manager acts on the customers of their department’s subtree, and transfers them only within it',
  guards: {
    actorReaches: {
      check: ({ event }) => event.facts.actorReaches,
      // No `who`: it narrows isManager, it does not say who may send the event.
      refusal: { code: 'FORBIDDEN', message: 'This customer belongs to someone outside your department' },
    },
    targetInReach: {
      check: ({ event }) => event.facts.targetInReach,
      onInput: true,
      refusal: { code: 'BAD_USER_INPUT', message: 'The new custodian must belong to your department or its subdepartments', field: 'toUserId' },
    },
  },
  facts: {
    defaults: { actorReaches: true, targetInReach: true },
    events: ['TRANSFER', 'ASSIGN'],
    async load({ executor, row, actor, event }) {
      const reach = actor.kind === 'user' ? await loadReach(executor, actor.id) : undefined;
      if (!reach) return { actorReaches: true, targetInReach: true };
      return { actorReaches: holds(reach, row.custodianId), targetInReach: typeof event.toUserId !== 'string' || reach.has(event.toUserId) };
    },
    // A list's availableActions: the actor's reach once for every row.
    async loadMany({ executor, rows, actor }) {
      const reach = actor.kind === 'user' ? await loadReach(executor, actor.id) : undefined;
      return new Map(rows.map((r) => [r.id, { actorReaches: !reach || holds(reach, r.custodianId), targetInReach: true }]));
    },
  },
};
