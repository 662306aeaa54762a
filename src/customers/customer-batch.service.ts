/**
 * T6: claims, assignments and transfers in batches, each item all or nothing.
 *
 * Every item is one event through the workflow engine in a transaction of its own, exactly as
 * the single mutation (claimCustomer, transferCustomer) runs it: the engine's row lock (or its
 * version check on the lock-free path) is what keeps two racing batches from giving a customer
 * two owners. Items run one after another in the order given, so a batch holds at most one
 * customer row lock at a time (two batches in opposite orders cannot deadlock) and one
 * connection of the pool.
 *
 * A refusal (any DomainError: the machine's guards, NOT_FOUND, ILLEGAL_TRANSITION for an ASSIGN out of the pool or a TRANSFER in it) becomes
 * that item's error, with the code, rule and message the single mutation would have answered,
 * and the next item runs. Anything else (the database gone, a bug) is not the item's fault: it
 * is rethrown and ends the batch, so it reaches the error formatter and the log like any
 * unexpected error; items before it stay done (each committed on its own).
 */
import type { CustomerRow } from '../platform/db/schema.js';
import { DomainError, ValidationError, type ErrorCode } from '../platform/errors.js';
import { requireRole, type Viewer } from '../platform/auth/viewer.js';
import type { CustomerService } from './customer.service.js';

/** T6: the most ids one batch takes. */
export const MAX_BATCH = 100;

/** Why one item was refused: what the single mutation's error would have said. */
export interface BatchItemError {
  code: ErrorCode;
  /** The rule that refused it (e.g. P5, P7, P9, T6), when a rule did. */
  rule: string | null;
  message: string;
}

/** One item's outcome, in the position of its id in the input. */
export interface BatchItem {
  id: string;
  ok: boolean;
  /** The customer as it is after the item, when ok. */
  customer: CustomerRow | null;
  error: BatchItemError | null;
}

export interface BatchOutcome {
  results: BatchItem[];
  succeeded: number;
  failed: number;
}

/** T6: 1 to MAX_BATCH ids, none twice; else BAD_USER_INPUT naming `ids`, before anything runs. */
export function requireBatchIds(ids: readonly string[]): void {
  const problem =
    ids.length === 0 ? 'give at least one id' : ids.length > MAX_BATCH ? `at most ${MAX_BATCH} ids per batch (got ${ids.length})` : duplicateIn(ids);
  if (problem) throw new ValidationError({ ids: problem }, `Invalid batch: ids ${problem}`, { rule: 'T6' });
}

function duplicateIn(ids: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const [i, id] of ids.entries()) {
    const key = id.toLowerCase();
    if (seen.has(key)) return `must not repeat an id (${id} again at position ${i})`;
    seen.add(key);
  }
  return undefined;
}

/** The item error of a refusal; anything that is not a refusal is rethrown (see the file's comment). */
function itemError(err: unknown): BatchItemError {
  if (!(err instanceof DomainError)) throw err;
  const rule = err.details.rule;
  return { code: err.code, rule: typeof rule === 'string' ? rule : null, message: err.message };
}

export class CustomerBatchService {
  constructor(private readonly customers: CustomerService) {}

  /** T6/P7: claims each pool customer for the viewer, as claimCustomer does. */
  async claim(viewer: Viewer, ids: readonly string[]): Promise<BatchOutcome> {
    requireRole(viewer, 'SALES');
    requireBatchIds(ids);
    return this.each(ids, (id) => this.customers.claim(viewer, id));
  }

  /** T6/P9: gives each customer in the pool to a salesperson (ASSIGN); one not in the pool is refused by the machine. */
  async assign(viewer: Viewer, ids: readonly string[], toUserId: string, reason: string): Promise<BatchOutcome> {
    requireRole(viewer, 'MANAGER');
    requireBatchIds(ids);
    return this.each(ids, (id) => this.customers.assign(viewer, id, toUserId, reason));
  }

  /** T6/P9: moves each customer in custody to another person, as transferCustomer does; one in the pool is refused by the machine (ASSIGN it). */
  async transfer(viewer: Viewer, ids: readonly string[], toUserId: string, reason: string): Promise<BatchOutcome> {
    requireRole(viewer, 'MANAGER');
    requireBatchIds(ids);
    return this.each(ids, (id) => this.customers.transfer(viewer, id, toUserId, reason));
  }

  /** Runs the items one by one, in order; a refusal is the item's, the next item runs. */
  private async each(ids: readonly string[], run: (id: string) => Promise<CustomerRow>): Promise<BatchOutcome> {
    const results: BatchItem[] = [];
    for (const id of ids) {
      try {
        results.push({ id, ok: true, customer: await run(id), error: null });
      } catch (err) {
        results.push({ id, ok: false, customer: null, error: itemError(err) });
      }
    }
    const succeeded = results.filter((r) => r.ok).length;
    return { results, succeeded, failed: results.length - succeeded };
  }
}
