/**
 * P6: a customer who has signed a contract is formal: only a confirmed contract makes it so,
 * and it is handed to after-sales (the assignee the contract chose). Formal customers never fall
 * to the pool on a timer (the machine has no path formal → pool; the validator keeps it so). The
 * salesperson who signed is remembered (`signers`): they keep reading the customer (P8).
 */
import { actorHasRole as hasRole } from '../../workflow/actor.js';
import type { CustomerRule } from '../customer.machine.js';

export const p6FormalByContract: CustomerRule = {
  code: 'P6',
  title: 'A confirmed contract makes the customer formal and hands it to after-sales; formal never returns to the pool',
  policyKeys: ['contract.afterSales'],
  guards: {
    viaContract: {
      check: ({ event }) => event.via === 'contract',
      refusal: { code: 'FORBIDDEN', message: 'Only a confirmed contract does this', who: ['contract confirmation'] },
    },
  },
  actions: {
    handToAfterSales: ({ context, event }) => {
      const signer = event.type === 'CONTRACT_SIGNED' && event.actor.kind === 'user' && hasRole(event.actor, 'SALES') ? event.actor.id : null;
      const signers = context.signers ?? [];
      return {
        custodianId: typeof event.afterSalesUserId === 'string' ? event.afterSalesUserId : event.type === 'CONTRACT_SIGNED' ? null : context.custodianId,
        ...(signer && !signers.includes(signer) && { signers: [...signers, signer] }),
      };
    },
  },
};
