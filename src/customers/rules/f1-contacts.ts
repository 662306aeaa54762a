/**
 * F1: a customer's contacts (name, title, mobile and/or landline, email, notes) are changed by
 * whoever may change the customer (P8's `canEdit`: its custodian, a manager, after-sales for a
 * formal one) and by its WRITE collaborators (T5's `canWork`), decided on the customer as it is now. The contact machine's every event needs it.
 * (F1's "a target account has at least three named contacts" is the THREE_CONTACTS item of an
 * INTENT application's checklist, src/applications/application-checklist.service.ts.)
 */
import { customers, type ContactRow, type CustomerRow } from '../../platform/db/schema.js';
import { relatedFacts } from '../../workflow/related-facts.js';
import type { Actor } from '../../workflow/actor.js';
import type { ContactFacts, ContactRule } from '../contact.machine.js';
import { canWork } from './t5-collaborators.js';

/** F1 with the customers feature's view of a customer now (its due deadline applied). */
export function f1Contacts(customerNow: (row: CustomerRow) => CustomerRow): ContactRule {
  const factsFor = (customer: CustomerRow | undefined, actor: Actor) => ({
    mayEdit: customer !== undefined && actor.kind === 'user' && canWork(actor, customerNow(customer)),
  });
  return {
    code: 'F1',
    title: 'A customer’s contacts are added, corrected, marked as left and rejoined by whoever may change the customer',
    guards: {
      mayEdit: {
        check: ({ event }) => event.facts.mayEdit,
        refusal: {
          code: 'FORBIDDEN',
          message: 'Only the customer’s custodian, a manager, after-sales for a formal customer, or a WRITE collaborator changes its contacts',
          who: ['custodian', 'MANAGER', 'AFTER_SALES (formal customer)', 'WRITE collaborator (T5)'],
        },
      },
    },
    facts: {
      defaults: { mayEdit: false },
      ...relatedFacts<ContactRow, CustomerRow, ContactFacts>({ table: customers, relatedId: (row) => row.customerId, facts: factsFor }),
    },
  };
}
