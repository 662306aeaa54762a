/** Per-request DataLoaders of the customers feature: nested lists cost one query per level. */
import DataLoader from 'dataloader';
import type { ContactRow, CustomerRow, FollowUpRow, PoolRow } from '../platform/db/schema.js';
import type { ListShape } from '../platform/db/list-shapes.js';
import { loaderPerKey } from '../platform/graphql/loaders.js';
import { asIs, FIRST_PAGE, toConnection } from '../platform/graphql/relay.js';
import type { ContactService } from './contact.service.js';
import type { CustomerService } from './customer.service.js';
import type { FollowUpService } from './follow-up.service.js';
import type { FollowUpPlanService } from './follow-up-plan.service.js';
import type { PoolService } from './pool.service.js';

export const customerLoaders = (s: { customers: CustomerService }) => ({
  customerById: new DataLoader<string, CustomerRow | null>((ids) => s.customers.byIds(ids)),
  previousCustodiansByCustomerId: new DataLoader<string, string[]>((ids) => s.customers.previousCustodians(ids)),
});

export const contactLoaders = (s: { contacts: ContactService }) => ({
  contactById: new DataLoader<string, ContactRow | null>((ids) => s.contacts.byIds(ids)),
  /** Each customer's contacts in a shape (ContactService.byCustomerIds): one statement per shape. */
  contactsByCustomerId: loaderPerKey((shape: ListShape) => (ids: readonly string[]) => s.contacts.byCustomerIds(ids, shape)),
});

export const followUpLoaders = (s: { followUps: FollowUpService }) => ({
  lastFollowUpByCustomerId: new DataLoader<string, FollowUpRow | null>((ids) => s.followUps.lastByCustomerIds(ids)),
  /** The first `first` follow-ups of each customer by id, as its connection: one statement per page size and shape. */
  followUpFirstPage: loaderPerKey(
    (first: number, shape: ListShape) => async (ids: readonly string[]) =>
      (await s.followUps.firstPageByCustomer(ids, first, shape)).map((page) => toConnection(page, asIs, FIRST_PAGE)),
  ),
});

export const followUpPlanLoaders = (s: { followUpPlans: FollowUpPlanService }) => ({
  /** F6: each customer's plans (open ones, or all), newest first: one statement per (open, first). */
  plansByCustomerId: loaderPerKey((open: boolean, first: number) => (ids: readonly string[]) => s.followUpPlans.ofCustomers(ids, open, first)),
});

export const poolLoaders = (s: { pools: PoolService }) => ({
  poolById: new DataLoader<string, PoolRow | null>((ids) => s.pools.byIds(ids)),
});
