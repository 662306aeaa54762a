/**
 * Payments (回款) and delivery of confirmed contracts (C3): a payment is a PAYMENT event of the
 * contract machine, whose guards refuse overpayment and settle the contract at its total.
 */
import { asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../platform/db/client.js';
import { contracts, payments, users, type ContractRow, type DeliveryStatus, type PaymentRow } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { ConflictError, ForbiddenError, IllegalTransitionError } from '../platform/errors.js';
import { invariant } from '../platform/invariant.js';
import { money } from '../platform/money.js';
import type { Viewer } from '../platform/auth/viewer.js';
import { parseInput } from '../platform/validation.js';
import { actorOf } from '../workflow/actor.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import type { CustomerService } from '../customers/customer.service.js';
import type { ContractFacts } from './contract.machine.js';
import { groupedBy } from '../platform/grouped.js';
import { lockContract } from './contract.shared.js';
import { deliveryStatusInput, paymentInput, type PaymentInput } from './contract.validation.js';
import { mayReceivePayment } from './rules/c1-who-works-on-contracts.js';

/** Payments against confirmed contracts and their delivery progress (C3). */
export class PaymentService {
  constructor(
    private readonly database: Database,
    private readonly engine: WorkflowEngine,
    private readonly workflow: WorkflowDefinition<ContractRow, ContractFacts>,
    private readonly customers: CustomerService,
    private readonly clock: Clock,
  ) {}

  private get db() {
    return this.database.db;
  }

  /** C3: records a payment on a confirmed contract; the one reaching the total settles it. */
  async recordPayment(viewer: Viewer, contractId: string, input: PaymentInput): Promise<PaymentRow> {
    const [handler] = input.handlerId ? await this.db.select().from(users).where(eq(users.id, input.handlerId)) : [];
    const isActiveUser = (id: string) => handler?.id === id && handler.active;
    const payment = parseInput(paymentInput({ now: this.clock(), isActiveUser }), input, { root: 'input' });
    const amount = money.format(payment.amount);
    return this.db.transaction(async (tx) => {
      // The engine locks the contract, so two payments cannot both pass the overpayment guard.
      const { row } = await this.engine.applyIn(tx, this.workflow, contractId, { type: 'PAYMENT', amount }, actorOf(viewer));
      const [recorded] = await tx
        .insert(payments)
        .values({
          contractId,
          amount,
          paidAt: payment.paidAt,
          method: payment.method,
          account: payment.account ?? null,
          handlerId: payment.handlerId ?? viewer.id,
          note: payment.note ?? null,
          recordedById: viewer.id,
          createdAt: this.clock(),
        })
        .returning();
      await tx
        .update(contracts)
        .set({ paid: money.format((money.parse(row.paid) ?? 0n) + payment.amount) })
        .where(eq(contracts.id, contractId));
      invariant(recorded, 'an insert returns its row');
      return recorded;
    });
  }

  /** C3: records how far delivery of a confirmed or settled contract has got. */
  async updateDelivery(viewer: Viewer, contractId: string, status: DeliveryStatus): Promise<ContractRow> {
    const deliveryStatus = parseInput(deliveryStatusInput, status, { root: 'status' });
    return this.db.transaction(async (tx) => {
      const row = await lockContract(tx, contractId);
      if (row.state !== 'confirmed' && row.state !== 'settled') {
        throw new IllegalTransitionError('Delivery is tracked on confirmed contracts', { state: row.state, event: 'DELIVERY', allowedEvents: [], rule: 'C3' });
      }
      const customer = this.customers.project(await this.customers.get(row.customerId, tx));
      if (!mayReceivePayment(customer, actorOf(viewer), viewer.reach))
        throw new ForbiddenError('Delivery is tracked by after-sales, a manager or the custodian', { rule: 'C3' });
      const [updated] = await tx
        .update(contracts)
        .set({ deliveryStatus, version: row.version + 1, updatedAt: this.clock() })
        .where(eq(contracts.id, contractId))
        .returning();
      if (!updated) throw new ConflictError('changed concurrently');
      return updated;
    });
  }

  /** Each contract's payments by payment date (DataLoader batch). */
  async byContractIds(ids: readonly string[]): Promise<PaymentRow[][]> {
    const rows = await this.db
      .select()
      .from(payments)
      .where(inArray(payments.contractId, [...ids]))
      .orderBy(asc(payments.paidAt));
    return groupedBy(ids, rows, (r) => r.contractId);
  }
}
