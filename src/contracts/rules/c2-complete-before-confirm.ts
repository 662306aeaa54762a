/**
 * C2: a contract is reserved (a number), filled in — type, sign date, payment method, buyer,
 * dates, terms, product lines, and every gift or promise under commitments — then confirmed;
 * a confirmed contract is no longer editable and makes the customer formal (P6).
 */
import { and, count, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../platform/db/client.js';
import { contractLines, type ContractRow } from '../../platform/db/schema.js';
import { money } from '../../platform/money.js';
import { anyUuid } from '../../platform/db/sql.js';
import type { ContractRule } from '../contract.machine.js';

/** How many product lines a contract has now; removed ones (E6) do not count. */
export async function currentLineCount(executor: Executor, contractId: string): Promise<number> {
  const [lines] = await executor
    .select({ n: count() })
    .from(contractLines)
    .where(and(eq(contractLines.contractId, contractId), isNull(contractLines.removedAt)));
  return lines?.n ?? 0;
}

/** How many product lines each of these contracts has now (E6 as above), by contract id; none counts 0. */
async function currentLineCounts(executor: Executor, contractIds: readonly string[]): Promise<Map<string, number>> {
  const counts = await executor
    .select({ id: contractLines.contractId, n: count() })
    .from(contractLines)
    .where(and(anyUuid(contractLines.contractId, contractIds), isNull(contractLines.removedAt)))
    .groupBy(contractLines.contractId);
  return new Map(counts.map((c) => [c.id, c.n]));
}

/** What must be filled in before a contract can be confirmed, by input path. */
export function missingForConfirmation(row: ContractRow, lineCount: number): Record<string, string> {
  const missing: Record<string, string> = {};
  const need = (ok: unknown, path: string, message = 'is required before confirmation (C2)') => {
    if (!ok || (typeof ok === 'string' && ok.trim() === '')) missing[path] = message;
  };
  need(row.type, 'input.type');
  need(row.signDate, 'input.signDate');
  need(row.paymentMethod, 'input.paymentMethod');
  need(row.buyer?.name, 'input.buyer.name');
  need(row.buyer?.address, 'input.buyer.address');
  need(row.buyer?.taxId, 'input.buyer.taxId');
  need(row.buyer?.contactName, 'input.buyer.contactName');
  need(row.buyer?.phone, 'input.buyer.phone');
  need(row.startDate, 'input.startDate');
  need(row.endDate, 'input.endDate');
  need(row.terms, 'input.terms');
  need(row.commitments, 'input.commitments', 'write every gift or promise, or “无” (C2)');
  if (lineCount === 0) missing.lines = 'add at least one product line';
  else if ((money.parse(row.total) ?? 0n) <= 0n) missing.total = 'the total must be above zero';
  return missing;
}

export const c2CompleteBeforeConfirm: ContractRule = {
  code: 'C2',
  title: 'A contract is reserved, filled in (lines, buyer, commitments) and confirmed; confirmed contracts are not edited',
  guards: {
    isComplete: {
      check: ({ event }) => Object.keys(event.facts.missing).length === 0,
      refusal: { code: 'BAD_USER_INPUT', message: 'The contract is not complete', field: 'contract' },
    },
  },
  facts: {
    defaults: { missing: {} },
    async load({ executor, row }) {
      return { missing: missingForConfirmation(row, await currentLineCount(executor, row.id)) };
    },
    // A list's contracts: their line counts in one statement.
    async loadMany({ executor, rows }) {
      const counts = await currentLineCounts(
        executor,
        rows.map((r) => r.id),
      );
      return new Map(rows.map((r) => [r.id, { missing: missingForConfirmation(r, counts.get(r.id) ?? 0) }]));
    },
  },
};
