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

export const followUpLoaders = (s: { followUps: FollowUpService }) => ({
  lastFollowUpByCustomerId: new DataLoader<string, FollowUpRow | null>((ids) => s.followUps.lastByCustomerIds(ids)),
  /** The first page of each customer's follow-ups; keys with the same page size batch together. */
  followUpFirstPage: new DataLoader<{ customerId: string; first: number }, Page<FollowUpRow>, string>(
    async (keys) => {
      const bySize = new Map<number, string[]>();
      for (const k of keys) bySize.set(k.first, [...(bySize.get(k.first) ?? []), k.customerId]);
      const pages = new Map<string, Page<FollowUpRow>>();
      for (const [first, ids] of bySize) {
        const result = await s.followUps.firstPageByCustomer(ids, first);
        ids.forEach((id, i) => {
          const page = result[i];
          if (page) pages.set(`${id}:${first}`, page);
        });
      }
      return keys.map((k) => pages.get(`${k.customerId}:${k.first}`) ?? new Error(`no page for ${k.customerId}`));
    },
    { cacheKeyFn: (k) => `${k.customerId}:${k.first}` },
  ),
});
