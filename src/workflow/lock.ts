/** Reading (and locking) a workflow row for a transition, with the facts its rules select, in one statement. */
import { eq, getTableColumns, getTableName, sql } from 'drizzle-orm';
import type { Executor } from '../platform/db/client.js';
import { NotFoundError } from '../platform/errors.js';
import { invariant } from '../platform/invariant.js';
import type { Actor } from './actor.js';
import type { EngineEvent } from './definition.js';
import type { Policy } from './policy/policy.js';
import { workflowRows, type WorkflowRow } from './table.js';
import { parseJson, type WorkflowDefinition } from './workflow.js';

/** What the read is for: who acts, the event, the time and the policy in force. */
export interface ReadFor {
  actor: Actor;
  event: EngineEvent;
  now: Date;
  policy: Policy;
}

interface PreparedRead {
  execute(values: Record<string, unknown>): Promise<Record<string, unknown>[]>;
}

/**
 * The read statement of a workflow for one combination of facts selects, built once per database
 * (unlocked reads) and per policy in force: a select may put a policy value into its SQL.
 */
const prepared = new WeakMap<object, Map<string, { policy: Policy; statement: PreparedRead }>>();

/**
 * Reads the row, locked (FOR UPDATE) when `lock`, and in the same statement the facts its rules
 * select for this event (see FactsSpec). Unlocked, row and facts come from one snapshot and are
 * consistent as they are. Locked, the facts come from the statement's snapshot, taken before the
 * lock was granted: if the row changed meanwhile (its locked version differs from the one that
 * snapshot sees) they may be stale and are dropped, to be read again after the lock. Facts a rule
 * selects are written only by transitions of the row (which change its version), so an
 * unchanged version means current facts.
 */
export async function readRow<TRow extends WorkflowRow, TFacts>(
  executor: Executor,
  def: WorkflowDefinition<TRow, TFacts>,
  id: string,
  lock: boolean,
  context: ReadFor,
): Promise<{ row: TRow; selected: Record<string, unknown> | undefined }> {
  const t = def.table;
  // Qualified by hand: a select list renders a bare column unqualified.
  const outerId = sql`${sql.identifier(getTableName(t))}.${sql.identifier(t.id.name)}`;
  const placeholders = { id: outerId, actorId: sql`${sql.placeholder('actorId')}::uuid`, now: sql`${sql.placeholder('now')}::timestamptz` };
  const select = def.selectFacts({ ...placeholders, actor: context.actor, event: context.event, policy: context.policy });
  const build = () => {
    const seen =
      select && lock ? sql`(select s.${sql.identifier(t.version.name)} from ${t} as s where s.${sql.identifier(t.id.name)} = ${outerId})` : sql`null`;
    const query = executor
      .select({ ...getTableColumns(t), selectedFacts: (select?.sql ?? sql`null`).mapWith(parseJson), seenVersion: seen.mapWith(Number) })
      .from(t)
      .where(eq(t.id, sql.placeholder('id')));
    return lock ? query.for('update', { of: t }) : query;
  };
  const values = { id, actorId: context.actor.id, now: context.now.toISOString() };
  const [hit] = lock ? await build().execute(values) : await preparedRead(executor, `${def.name}:${select?.key ?? '-'}`, context.policy, build).execute(values);
  if (!hit) throw new NotFoundError(def.entityType, id);
  const { selectedFacts, seenVersion, ...columns } = hit;
  const [row] = workflowRows<TRow>([columns]);
  invariant(row, 'a read row');
  return { row, selected: select && (!lock || seenVersion === row.version) ? (selectedFacts as Record<string, unknown>) : undefined };
}

/** The unlocked read of this shape on this database under this policy, prepared once (drizzle's builder costs more CPU than the read). */
function preparedRead(executor: Executor, key: string, policy: Policy, build: () => { prepare(name: string): PreparedRead }): PreparedRead {
  let byKey = prepared.get(executor);
  if (!byKey) prepared.set(executor, (byKey = new Map()));
  const cached = byKey.get(key);
  if (cached?.policy === policy) return cached.statement;
  const statement = build().prepare(`read_${key.replace(/\W/g, '_')}`);
  byKey.set(key, { policy, statement });
  return statement;
}
