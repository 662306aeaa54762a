/** Per-request DataLoaders of the applications feature. */
import DataLoader from 'dataloader';
import type { ApplicationDecisionRow, ApplicationRow } from '../platform/db/schema.js';
import type { ApplicationService } from './application.service.js';

export const applicationLoaders = (s: { applications: ApplicationService }) => ({
  applicationsByCustomerId: new DataLoader<string, ApplicationRow[]>((ids) => s.applications.byCustomerIds(ids)),
  decisionsByApplicationId: new DataLoader<string, ApplicationDecisionRow[]>((ids) => s.applications.decisionsByApplicationIds(ids)),
});
