/**
 * E1/E4: what the trade-name keys say beyond exact duplicates: similar keys (warnings at entry,
 * the SIMILAR_NAME audit item, E4) and customers left sharing a key by a re-derivation.
 */
import type { Database } from '../platform/db/client.js';
import type { CustomerRow } from '../platform/db/schema.js';
import { requireRole, type Viewer } from '../platform/auth/viewer.js';
import type { CustomerService, DuplicateMatch } from './customer.service.js';
import { keyConflictRows } from './rules/e4-key-conflicts.js';
import { findSimilarRows } from './rules/e4-similar-keys.js';

/** E4: one key that more than one customer holds, with those customers (oldest first). */
export interface KeyConflict {
  tradeName: string;
  customers: DuplicateMatch[];
}

export class CustomerKeyService {
  constructor(
    private readonly database: Database,
    private readonly customers: CustomerService,
  ) {}

  /** E4: per customer (in order), the other customers whose key contains or is contained in its key; one query. */
  async similarTo(rows: readonly CustomerRow[]): Promise<DuplicateMatch[][]> {
    const found = await findSimilarRows(
      this.database.db,
      rows.map((r) => r.tradeName),
      rows.map((r) => r.id),
    );
    return rows.map((row) => (found.get(row.tradeName) ?? []).filter((m) => m.customer.id !== row.id).map((m) => this.customers.toMatch(m)));
  }

  /** E4: keys shared by more than one customer (after a re-derivation), at most `limit` keys. MANAGER only. */
  async conflicts(viewer: Viewer, limit: number): Promise<KeyConflict[]> {
    requireRole(viewer, 'MANAGER');
    const groups = await keyConflictRows(this.database.db, limit);
    return [...groups].map(([tradeName, rows]) => ({ tradeName, customers: rows.map((r) => this.customers.toMatch(r)) }));
  }
}
