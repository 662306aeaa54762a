/**
 * The product catalogue that contract lines refer to: anyone signed in reads it; managers and
 * administrators keep it. Codes are unique regardless of case (a unique index).
 */
import { and, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../platform/db/client.js';
import { uniqueViolation } from '../platform/db/errors.js';
import { products, type ProductRow } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { DuplicateError, NotFoundError } from '../platform/errors.js';
import { invariant } from '../platform/invariant.js';
import { requireRole, type Viewer } from '../platform/auth/viewer.js';
import { keyset, pageSize, toPage, type Page, type PageArgs } from '../platform/pagination.js';
import { parseInput } from '../platform/validation.js';
import { productChanges, productInput, type ProductInput } from './contract.validation.js';

/** Filters of the product list; all given conditions must hold. */
export interface ProductFilter {
  active?: boolean | null;
  keyword?: string | null;
}

/** The catalogue's order: by name, then id. */
const BY_NAME = keyset<ProductRow>([
  { expr: products.name, value: (r) => r.name },
  { expr: products.id, value: (r) => r.id },
]);

/** The catalogue of products. */
export class ProductService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
  ) {}

  private get db() {
    return this.database.db;
  }

  /** The catalogue by name, filtered. */
  async list(filter: ProductFilter, args: PageArgs): Promise<Page<ProductRow>> {
    const limit = pageSize(args.first);
    const where: (SQL | undefined)[] = [];
    if (filter.active != null) where.push(eq(products.active, filter.active));
    if (filter.keyword?.trim())
      where.push(sql`(${products.name} ilike ${`%${filter.keyword.trim()}%`} or ${products.code} ilike ${`%${filter.keyword.trim()}%`})`);
    const condition = and(...where);
    where.push(BY_NAME.after(args.after));
    const rows = await this.db
      .select()
      .from(products)
      .where(and(...where))
      .orderBy(...BY_NAME.orderBy)
      .limit(limit + 1);
    return toPage(rows, limit, BY_NAME.cursor, async () => {
      const [c] = await this.db.select({ n: count() }).from(products).where(condition);
      return c?.n ?? 0;
    });
  }

  /** Products by id, in the order asked for (`null` for an unknown id). */
  async byIds(ids: readonly string[]): Promise<(ProductRow | null)[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .select()
      .from(products)
      .where(inArray(products.id, [...ids]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Adds a product: code, name, unit and list price are required. MANAGER and ADMIN only. */
  async create(viewer: Viewer, input: ProductInput): Promise<ProductRow> {
    requireRole(viewer, 'MANAGER', 'ADMIN');
    const fields = parseInput(productInput, input, { root: 'input' });
    const now = this.clock();
    const [row] = await this.uniqueCode(input, () =>
      this.db
        .insert(products)
        .values({ ...fields, createdAt: now, updatedAt: now })
        .returning(),
    );
    invariant(row, 'an insert returns its row');
    return row;
  }

  /** Changes the fields given; lines already written keep their prices. MANAGER and ADMIN only. */
  async update(viewer: Viewer, id: string, input: ProductInput): Promise<ProductRow> {
    requireRole(viewer, 'MANAGER', 'ADMIN');
    const fields = parseInput(productChanges, input, { root: 'input' });
    const changes = { ...fields, updatedAt: this.clock(), version: sql`${products.version} + 1` };
    const [row] = await this.uniqueCode(input, () => this.db.update(products).set(changes).where(eq(products.id, id)).returning());
    if (!row) throw new NotFoundError('Product', id);
    return row;
  }

  /** A taken code (case ignored, by the unique index) is refused as DUPLICATE. */
  private async uniqueCode<T>(input: ProductInput, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (uniqueViolation(err)) throw new DuplicateError(`Product code ${input.code ?? ''} exists`, []);
      throw err;
    }
  }
}
