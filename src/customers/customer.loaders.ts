/** Per-request DataLoaders of the customers feature: nested lists cost one query per level. */
import DataLoader from 'dataloader';
import type { ContactRow, CustomerRow, FollowUpRow } from '../platform/db/schema.js';
import type { Page } from '../platform/pagination.js';
import type { ListShape } from '../platform/db/read-rows.js';
import type { ContactService } from './contact.service.js';
import type { CustomerService } from './customer.service.js';
import type { FollowUpService } from './follow-up.service.js';

export const customerLoaders = (s: { customers: CustomerService }) => ({
  customerById: new DataLoader<string, CustomerRow | null>((ids) => s.customers.byIds(ids)),
  previousCustodiansByCustomerId: new DataLoader<string, string[]>((ids) => s.customers.previousCustodians(ids)),
});

export const contactLoaders = (s: { contacts: ContactService }) => {
  const byShape = new Map<ListShape, DataLoader<string, ContactRow[]>>();
  return {
    contactById: new DataLoader<string, ContactRow | null>((ids) => s.contacts.byIds(ids)),
    /** Each customer's contacts, FULL rows unless asked for CARD rows (ContactService.byCustomerIds). */
    contactsByCustomerId(shape: ListShape = 'FULL'): DataLoader<string, ContactRow[]> {
      let loader = byShape.get(shape);
      if (!loader) byShape.set(shape, (loader = new DataLoader((ids) => s.contacts.byCustomerIds(ids, shape))));
      return loader;
    },
  };
};

export const followUpLoaders = (s: { followUps: FollowUpService }) => {
  const firstPages = new Map<string, DataLoader<string, Page<FollowUpRow>>>();
  return {
    lastFollowUpByCustomerId: new DataLoader<string, FollowUpRow | null>((ids) => s.followUps.lastByCustomerIds(ids)),
    /** The first `first` follow-ups of each customer by id: one loader, so one statement, per page size and shape. */
    followUpFirstPage(first: number, shape: ListShape = 'FULL'): DataLoader<string, Page<FollowUpRow>> {
      const key = `${shape}:${first}`;
      let loader = firstPages.get(key);
      if (!loader) firstPages.set(key, (loader = new DataLoader((ids) => s.followUps.firstPageByCustomer(ids, first, shape))));
      return loader;
    },
  };
};
