/**
 * The contact machine (F1, F5): a contact person is active, leaves the company (离职, with the
 * date and a note) and may rejoin; every edit is an UPDATE recorded in its history with the
 * fields it changed. The rules are in `rules/` (f1-contacts.ts, f5-contact-lifecycle.ts).
 */
import contactDocumentJson from './contact.machine.json' with { type: 'json' };
import type { ContactRow } from '../platform/db/schema.js';
import type { Rule } from '../workflow/definition.js';
import { asDocument } from '../workflow/document.js';

export interface ContactFacts {
  /** F1: the viewer may change the customer's records (P8: custodian, manager, after-sales for a formal one). */
  mayEdit: boolean;
}

/** What the machine remembers: when the person left and why (null while active). */
export interface ContactContext {
  leftOn: string | null;
  leftNote: string | null;
}

/** A new contact needs nothing: it starts active. */
export type ContactInput = Record<string, never>;

/** A rule of the contact workflow. */
export type ContactRule = Rule<ContactRow, ContactContext, ContactFacts>;

/** Version 1: the repository's document (`src/customers/contact.machine.json`). */
export const contactDocument = asDocument(contactDocumentJson);
