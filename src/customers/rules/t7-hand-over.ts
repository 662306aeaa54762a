/**
 * T7: when a user leaves, an ADMIN hands over everything they hold in one step
 * (users/hand-over.service.ts). Each customer moves through this machine so it gets a history
 * row with the reason: to a user by TRANSFER (P9's guards apply; the admin's hand-over stands in
 * for the manager P9 asks for), or to a pool by HANDED_OVER (an internal event: no user sends it
 * through sendWorkflowEvent; prospects and intents only, formal customers never go to the pool, P6).
 */
import { actorHasRole } from '../../workflow/actor.js';
import type { RuleEvent } from '../../workflow/definition.js';
import type { CustomerRule } from '../customer.machine.js';

/** The system, or an ADMIN handing over a departing user's work (T7). */
export function handsOver(event: Pick<RuleEvent<unknown>, 'actor'>): boolean {
  // An event probed without an actor (a bare `{ type }`) is nobody's hand-over.
  return event.actor !== undefined && (event.actor.kind === 'system' || actorHasRole(event.actor, 'ADMIN'));
}

/** A TRANSFER that is part of an admin's departure hand-over (set by the hand-over service only: transferCustomer never sets it). */
export function isDepartureTransfer(event: RuleEvent<unknown>): boolean {
  return event.handOver === true && handsOver(event);
}

export const t7HandOver: CustomerRule = {
  code: 'T7',
  title: 'When a user leaves, their customers (with their pending applications and unconfirmed contracts) are handed over in one step',
  guards: {
    handsOver: {
      check: ({ event }) => handsOver(event),
      refusal: { code: 'FORBIDDEN', message: 'Only an admin hands over a departing user’s customers', who: ['ADMIN', 'system'] },
    },
  },
};
