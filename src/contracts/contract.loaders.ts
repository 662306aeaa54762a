/** Per-request DataLoaders of the contracts feature. */
import DataLoader from 'dataloader';
import type { ContractLineRow, ContractRow, PaymentRow, ProductRow } from '../platform/db/schema.js';
import type { ContractLineService } from './contract-line.service.js';
import type { ContractService } from './contract.service.js';
import type { PaymentService } from './payment.service.js';
import type { ProductService } from './product.service.js';

/** The services the loaders batch through. */
export interface ContractLoaderServices {
  contracts: ContractService;
  contractLines: ContractLineService;
  payments: PaymentService;
  products: ProductService;
}

/** One loader per relation of contracts, created per request. */
export const contractLoaders = (s: ContractLoaderServices) => ({
  contractsByCustomerId: new DataLoader<string, ContractRow[]>((ids) => s.contracts.byCustomerIds(ids)),
  linesByContractId: new DataLoader<string, ContractLineRow[]>((ids) => s.contractLines.byContractIds(ids)),
  paymentsByContractId: new DataLoader<string, PaymentRow[]>((ids) => s.payments.byContractIds(ids)),
  productById: new DataLoader<string, ProductRow | null>((ids) => s.products.byIds(ids)),
});
