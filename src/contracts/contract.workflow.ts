/** The contract machine bound to its table and facts. */
import { eq } from 'drizzle-orm';
import { contractLines, contracts, customers, type ContractRow, type CustomerRow } from '../platform/db/schema.js';
import { and, count, isNull } from 'drizzle-orm';
import { actorHasRole, type Actor } from '../workflow/actor.js';
import { versioned, type WorkflowDefinition } from '../workflow/engine.js';
import { money } from '../platform/money.js';
import { contractGuardRules, contractDocument, contractImplementation, NO_CONTRACT_FACTS, type ContractFacts } from './contract.machine.js';

/** C2: what must be filled in before a contract can be confirmed, by input path. */
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

/** C1: who may work on a customer's contracts. */
export function mayWorkOnContracts(customer: CustomerRow, actor: Actor): boolean {
  if (actor.kind !== 'user') return false;
  if (actorHasRole(actor, 'MANAGER')) return true;
  if (customer.custodianId === actor.id && (customer.stage === 'INTENT' || customer.stage === 'FORMAL')) return true;
  return customer.stage === 'FORMAL' && actorHasRole(actor, 'AFTER_SALES');
}

export function contractWorkflow(project: (row: CustomerRow) => CustomerRow): WorkflowDefinition<ContractRow, ContractFacts> {
  return versioned({
    name: 'contract',
    entityType: 'contract',
    document: contractDocument,
    implementation: contractImplementation,
    invariants: {
      requiredStates: ['reserved', 'draft', 'confirmed', 'settled', 'voided', 'terminated'],
      initialState: 'reserved',
      requiredEvents: { UPDATE: ['reserved', 'draft'], CONFIRM: ['draft'], VOID: [], TERMINATE: [], PAYMENT: ['confirmed'] },
      unreachable: [
        { from: 'confirmed', to: 'draft', rule: 'C2' },
        { from: 'confirmed', to: 'voided', rule: 'C4' },
      ],
    },
    dedicated: { UPDATE: 'updateContract', CONFIRM: 'confirmContract', VOID: 'voidContract', TERMINATE: 'terminateContract', PAYMENT: 'recordPayment' },
    table: contracts,
    guardRules: contractGuardRules,
    noFacts: NO_CONTRACT_FACTS,
    derive: () => ({}),
    async facts(executor, row, actor) {
      const [customer] = await executor.select().from(customers).where(eq(customers.id, row.customerId));
      const [lines] = await executor.select({ n: count() }).from(contractLines).where(and(eq(contractLines.contractId, row.id), isNull(contractLines.removedAt)));
      const now = customer ? project(customer) : null;
      const mayEdit = now !== null && mayWorkOnContracts(now, actor);
      return {
        mayEdit,
        mayReceivePayment: now !== null && (actorHasRole(actor, 'AFTER_SALES', 'MANAGER') || (actor.kind === 'user' && now.custodianId === actor.id)),
        missing: missingForConfirmation(row, lines?.n ?? 0),
        total: row.total,
        paid: row.paid,
      };
    },
  });
}
