/** Per-request DataLoaders of the contracts feature. */
import DataLoader from 'dataloader';
import type { ContractLineRow, ContractRow, PaymentRow, ProductRow } from '../platform/db/schema.js';
import type { ContractService } from './contract.service.js';

export const contractLoaders = (s: { contracts: ContractService }) => ({
  contractsByCustomerId: new DataLoader<string, ContractRow[]>((ids) => s.contracts.byCustomerIds(ids)),
  linesByContractId: new DataLoader<string, ContractLineRow[]>((ids) => s.contracts.linesByContractIds(ids)),
  paymentsByContractId: new DataLoader<string, PaymentRow[]>((ids) => s.contracts.paymentsByContractIds(ids)),
  productById: new DataLoader<string, ProductRow | null>((ids) => s.contracts.productsByIds(ids)),
});
