/** Per-request DataLoaders: one factory per relation, so nested lists cost one query per level. */
import DataLoader from 'dataloader';
import type { ApplicationDecisionRow, ApplicationRow, ContactRow, ContractLineRow, ContractRow, CustomerRow, FollowUpRow, PaymentRow, ProductRow, UserRow } from './platform/db/schema.js';
import type { Page } from './platform/pagination.js';
import type { Services } from './services.js';

export function createLoaders(services: Services) {
  return {
    userById: new DataLoader<string, UserRow | null>((ids) => services.users.byIds(ids)),
    customerById: new DataLoader<string, CustomerRow | null>((ids) => services.customers.byIds(ids)),
    contactById: new DataLoader<string, ContactRow | null>((ids) => services.contacts.byIds(ids)),
    contactsByCustomerId: new DataLoader<string, ContactRow[]>((ids) => services.contacts.byCustomerIds(ids)),
    lastFollowUpByCustomerId: new DataLoader<string, FollowUpRow | null>((ids) => services.followUps.lastByCustomerIds(ids)),
    applicationsByCustomerId: new DataLoader<string, ApplicationRow[]>((ids) => services.applications.byCustomerIds(ids)),
    decisionsByApplicationId: new DataLoader<string, ApplicationDecisionRow[]>((ids) => services.applications.decisionsByApplicationIds(ids)),
    contractsByCustomerId: new DataLoader<string, ContractRow[]>((ids) => services.contracts.byCustomerIds(ids)),
    linesByContractId: new DataLoader<string, ContractLineRow[]>((ids) => services.contracts.linesByContractIds(ids)),
    paymentsByContractId: new DataLoader<string, PaymentRow[]>((ids) => services.contracts.paymentsByContractIds(ids)),
    productById: new DataLoader<string, ProductRow | null>((ids) => services.contracts.productsByIds(ids)),
    previousCustodiansByCustomerId: new DataLoader<string, string[]>((ids) => services.customers.previousCustodians(ids)),
    /** The first page of each customer's follow-ups; keys with the same page size batch together. */
    followUpFirstPage: new DataLoader<{ customerId: string; first: number }, Page<FollowUpRow>, string>(
      async (keys) => {
        const bySize = new Map<number, string[]>();
        for (const k of keys) bySize.set(k.first, [...(bySize.get(k.first) ?? []), k.customerId]);
        const pages = new Map<string, Page<FollowUpRow>>();
        for (const [first, ids] of bySize) {
          const result = await services.followUps.firstPageByCustomer(ids, first);
          ids.forEach((id, i) => {
            const page = result[i];
            if (page) pages.set(`${id}:${first}`, page);
          });
        }
        return keys.map((k) => pages.get(`${k.customerId}:${k.first}`) ?? new Error(`no page for ${k.customerId}`));
      },
      { cacheKeyFn: (k) => `${k.customerId}:${k.first}` },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
