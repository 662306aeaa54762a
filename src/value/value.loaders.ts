/** Per-request DataLoaders of customer value: a page of customers' figures in one statement. */
import DataLoader from 'dataloader';
import type { CustomerValue, ValueService } from './value.service.js';

export const valueLoaders = (s: { value: ValueService }) => ({
  valueByCustomerId: new DataLoader<string, CustomerValue>((ids) => s.value.ofCustomers(ids)),
});
