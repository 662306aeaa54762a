/**
 * T5: collaborators (团队成员). The custodian, or a manager who may change the customer (P8's
 * `canEdit`), adds active users to its team with READ or WRITE access and removes them
 * (ADD_COLLABORATOR / REMOVE_COLLABORATOR: history rows with the reason, offered as actions).
 * READ collaborators see its details (P8: contacts, follow-ups, contracts, history); WRITE
 * collaborators also add and change contacts (F1) and log follow-ups (F2). A collaborator never
 * owns the customer: only its custodian abandons it, applies or resubmits, only a manager
 * transfers it, and a collaborator's follow-up is the customer's like anyone's (it sets the
 * last follow-up and next contact times; the next follow-up plan is the custodian's, F6).
 *
 * Custody changes: a transfer or the hand-over to after-sales keeps the team or clears it by
 * `customer.collaboratorsOnTransfer` (KEEP, CLEAR); the new custodian leaves the team. A customer
 * that falls to the pool (ABANDON, TERM_EXPIRED, REJECTION_LAPSED) has no team: the clearing is a
 * constant context update, so the sweeper fires those deadlines set-based. A claim starts empty.
 */
import { eq } from 'drizzle-orm';
import { users, type CustomerRow } from '../../platform/db/schema.js';
import { ForbiddenError } from '../../platform/errors.js';
import type { Viewer } from '../../platform/auth/viewer.js';
import type { Actor } from '../../workflow/actor.js';
import type { EngineEvent } from '../../workflow/definition.js';
import { COLLABORATOR_ACCESS, type Collaboration, type CustomerContext, type CustomerRule } from '../customer.machine.js';
import { collaboratorAccess } from '../customer.collaborators.js';
import { canEdit } from './p8-custodian-sees-details.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;
const userIdOf = (event: EngineEvent) => (typeof event.userId === 'string' ? event.userId : '');
const teamOf = (context: CustomerContext): Record<string, Collaboration> => context.collaborators ?? {};

/** A manager whose scope covers the customer (P8 decides who that is). */
function managesTeam(actor: Actor, row: CustomerRow): boolean {
  return actor.kind === 'user' && actor.roles.includes('MANAGER') && canEdit(actor, row);
}

/**
 * F1, F2 with T5: who may add and change a customer's contacts and log its follow-ups — whoever
 * may change the customer (P8), or a WRITE collaborator. Takes the customer as it is now.
 */
export function canWork(who: Pick<Viewer, 'id' | 'roles'>, now: CustomerRow): boolean {
  return canEdit(who, now) || collaboratorAccess(now, who.id) === 'WRITE';
}

export function requireWork(viewer: Viewer, now: CustomerRow): void {
  if (!canWork(viewer, now)) {
    throw new ForbiddenError('Only the custodian, a manager or a WRITE collaborator can change this customer’s contacts and follow-ups', {
      rule: 'T5',
      customerId: now.id,
    });
  }
}

export const t5Collaborators: CustomerRule = {
  code: 'T5',
  title: 'Collaborators read, or also write, a customer’s contacts and follow-ups; they never own it',
  policyKeys: ['customer.collaboratorsOnTransfer'],
  guards: {
    managesTeam: {
      check: ({ context, event }) => event.actor.kind === 'user' && (event.actor.id === context.custodianId || event.facts.managesTeam),
      refusal: { code: 'FORBIDDEN', message: 'Only the custodian or a manager manages this customer’s collaborators', who: ['custodian', 'MANAGER'] },
    },
    collaboratorActive: {
      check: ({ event }) => event.facts.collaboratorActive,
      onInput: true,
      refusal: { code: 'BAD_USER_INPUT', message: 'A collaborator must be an active user', field: 'userId' },
    },
    collaboratorNotCustodian: {
      check: ({ context, event }) => userIdOf(event) !== context.custodianId,
      onInput: true,
      refusal: { code: 'BAD_USER_INPUT', message: 'The custodian holds the customer; they are not its collaborator', field: 'userId' },
    },
    validAccess: {
      check: ({ event }) => COLLABORATOR_ACCESS.some((a) => a === event.access),
      onInput: true,
      refusal: { code: 'BAD_USER_INPUT', message: 'Access is READ or WRITE', field: 'access' },
    },
    accessChanges: {
      check: ({ context, event }) => teamOf(context)[userIdOf(event)]?.access !== event.access,
      onInput: true,
      refusal: { code: 'ILLEGAL_TRANSITION', message: 'This user already collaborates on the customer with this access' },
    },
    hasCollaborators: {
      check: ({ context }) => Object.keys(teamOf(context)).length > 0,
      refusal: { code: 'ILLEGAL_TRANSITION', message: 'This customer has no collaborators' },
    },
    isCollaborator: {
      check: ({ context, event }) => userIdOf(event) in teamOf(context),
      onInput: true,
      refusal: { code: 'BAD_USER_INPUT', message: 'This user is not a collaborator on the customer', field: 'userId' },
    },
  },
  facts: [
    {
      defaults: { managesTeam: false, collaboratorActive: false },
      events: ['ADD_COLLABORATOR', 'REMOVE_COLLABORATOR'],
      async load({ executor, row, actor, event }) {
        const userId = userIdOf(event);
        if (event.type !== 'ADD_COLLABORATOR' || !UUID.test(userId)) return { managesTeam: managesTeam(actor, row), collaboratorActive: false };
        const [target] = await executor.select({ active: users.active }).from(users).where(eq(users.id, userId));
        return { managesTeam: managesTeam(actor, row), collaboratorActive: target?.active === true };
      },
      // A list's rows: read off the rows themselves (the target is an input, not known while offering).
      async loadMany({ rows, actor }) {
        return new Map(rows.map((r) => [r.id, { managesTeam: managesTeam(actor, r) }]));
      },
    },
    {
      defaults: { clearTeamOnTransfer: false },
      events: ['TRANSFER', 'ASSIGN', 'CONTRACT_SIGNED'],
      load: async ({ policy }) => ({ clearTeamOnTransfer: policy.customer.collaboratorsOnTransfer === 'CLEAR' }),
    },
  ],
  actions: {
    addCollaborator: ({ context, event }) => {
      const team = teamOf(context);
      const userId = userIdOf(event);
      const access = event.access === 'WRITE' ? 'WRITE' : 'READ';
      return { collaborators: { ...team, [userId]: { access, since: team[userId]?.since ?? event.at ?? '' } } };
    },
    removeCollaborator: ({ context, event }) => {
      const { [userIdOf(event)]: _removed, ...rest } = teamOf(context);
      return { collaborators: rest };
    },
    // A constant: falling to the pool stays set-based for the sweeper (workflow/due.ts).
    clearTeam: () => ({ collaborators: {} }),
    // After the custody change (transferCustody, handToAfterSales): the new custodian is no collaborator.
    settleTeam: ({ context, event }) => {
      if (event.facts.clearTeamOnTransfer) return { collaborators: {} };
      const { [context.custodianId ?? '']: _custodian, ...rest } = teamOf(context);
      return { collaborators: rest };
    },
  },
};
