/** Per-request DataLoaders of the complaints feature. */
import DataLoader from 'dataloader';
import type { ComplaintRow } from '../platform/db/schema.js';
import type { ComplaintService } from './complaint.service.js';

export const complaintLoaders = (s: { complaints: ComplaintService }) => ({
  complaintsByCustomerId: new DataLoader<string, ComplaintRow[]>((ids) => s.complaints.byCustomerIds(ids)),
});
