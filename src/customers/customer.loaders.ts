/** Per-request DataLoaders of the customers feature: nested lists cost one query per level. */
import DataLoader from 'dataloader';
import type { ContactRow, CustomerRow, FollowUpRow } from '../platform/db/schema.js';
import type { Page } from '../platform/pagination.js';
import type { ContactService } from './contact.service.js';
import type { CustomerService } from './customer.service.js';
import type { FollowUpService } from './follow-up.service.js';

export const customerLoaders = (s: { customers: CustomerService }) => ({
  customerById: new DataLoader<string, CustomerRow | null>((ids) => s.customers.byIds(ids)),
  previousCustodiansByCustomerId: new DataLoader<string, string[]>((ids) => s.customers.previousCustodians(ids)),
});

export const contactLoaders = (s: { contacts: ContactService }) => ({
  contactById: new DataLoader<string, ContactRow | null>((ids) => s.contacts.byIds(ids)),
  contactsByCustomerId: new DataLoader<string, ContactRow[]>((ids) => s.contacts.byCustomerIds(ids)),
});

export const followUpLoaders = (s: { followUps: FollowUpService }) => {
  const firstPages = new Map<number, DataLoader<string, Page<FollowUpRow>>>();
  return {
    lastFollowUpByCustomerId: new DataLoader<string, FollowUpRow | null>((ids) => s.followUps.lastByCustomerIds(ids)),
    /** The first `first` follow-ups of each customer by id: one loader, so one statement, per page size. */
    followUpFirstPage(first: number): DataLoader<string, Page<FollowUpRow>> {
      let loader = firstPages.get(first);
      if (!loader) firstPages.set(first, (loader = new DataLoader((ids) => s.followUps.firstPageByCustomer(ids, first))));
      return loader;
    },
  };
};
