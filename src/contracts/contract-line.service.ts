/**
 * Product lines of a contract and its total (C2, E6): lines are added and removed while the
 * contract is reserved or draft, each change an UPDATE event of the contract machine; the total
 * is the exact sum of the current lines' amounts.
 */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database, Tx } from '../platform/db/client.js';
import { contractLines, contracts, type ContractLineRow, type ContractRow, type ProductRow } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { NotFoundError } from '../platform/errors.js';
import type { Viewer } from '../platform/auth/viewer.js';
import { parseInput } from '../platform/validation.js';
import { actorOf } from '../workflow/actor.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import type { ContractFacts } from './contract.machine.js';
import { groupedBy } from '../platform/grouped.js';
import { contractLineInput, contractLineList, type ContractLineInput } from './contract.validation.js';
import type { ProductService } from './product.service.js';

/** A batch this size stays below PostgreSQL's limit of bind parameters per statement. */
const INSERT_BATCH = 1000;

/** The lines of contracts being filled in, and their totals (C2). */
export class ContractLineService {
  constructor(
    private readonly database: Database,
    private readonly engine: WorkflowEngine,
    private readonly workflow: WorkflowDefinition<ContractRow, ContractFacts>,
    private readonly products: ProductService,
    private readonly clock: Clock,
  ) {}

  private get db() {
    return this.database.db;
  }

  /**
   * C2: adds lines to a reserved or draft contract and recomputes its total. Problems of a single
   * line are reported under `input.*` (addContractLine), of several under `lines.N.*`.
   */
  async addLines(viewer: Viewer, contractId: string, inputs: ContractLineInput[]): Promise<ContractLineRow[]> {
    const productIds = [...new Set(inputs.map((l) => l.productId).filter((v): v is string => !!v))];
    const found = (await this.products.byIds(productIds)).filter((p): p is ProductRow => p !== null);
    const catalogue = new Map(found.map((p) => [p.id, p]));
    const rows =
      inputs.length === 1
        ? [parseInput(contractLineInput(catalogue), inputs[0], { root: 'input' })]
        : parseInput(contractLineList(catalogue), inputs, { root: 'lines' });
    return this.db.transaction(async (tx) => {
      await this.engine.applyIn(tx, this.workflow, contractId, { type: 'UPDATE' }, actorOf(viewer), { payload: { addedLines: rows.length } });
      const now = this.clock();
      const inserted: ContractLineRow[] = [];
      for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        inserted.push(
          ...(await tx
            .insert(contractLines)
            .values(rows.slice(i, i + INSERT_BATCH).map((r) => ({ ...r, contractId, createdAt: now })))
            .returning()),
        );
      }
      await this.recomputeTotal(tx, contractId);
      return inserted;
    });
  }

  /** E6: a removed line is kept, marked removed. */
  async removeLine(viewer: Viewer, contractId: string, lineId: string): Promise<ContractRow> {
    return this.db.transaction(async (tx) => {
      await this.engine.applyIn(tx, this.workflow, contractId, { type: 'UPDATE' }, actorOf(viewer), { payload: { removedLine: lineId } });
      const [line] = await tx
        .update(contractLines)
        .set({ removedAt: this.clock() })
        .where(and(eq(contractLines.id, lineId), eq(contractLines.contractId, contractId), isNull(contractLines.removedAt)))
        .returning();
      if (!line) throw new NotFoundError('Contract line', lineId);
      return this.recomputeTotal(tx, contractId);
    });
  }

  /** The total is the exact sum of the lines' amounts, computed by PostgreSQL's numeric. */
  private async recomputeTotal(tx: Tx, contractId: string): Promise<ContractRow> {
    const [row] = await tx
      .update(contracts)
      .set({
        total: sql`(select coalesce(sum(${contractLines.amount}), 0) from ${contractLines} where ${contractLines.contractId} = ${contractId} and ${contractLines.removedAt} is null)`,
      })
      .where(eq(contracts.id, contractId))
      .returning();
    if (!row) throw new NotFoundError('Contract', contractId);
    return row;
  }

  /** Each contract's current lines, in the order they were added (DataLoader batch). */
  async byContractIds(ids: readonly string[]): Promise<ContractLineRow[][]> {
    const rows = await this.db
      .select()
      .from(contractLines)
      .where(and(inArray(contractLines.contractId, [...ids]), isNull(contractLines.removedAt)))
      .orderBy(asc(contractLines.position));
    return groupedBy(ids, rows, (r) => r.contractId);
  }
}
