/** The fields every workflow-governed type exposes, resolved one way for all of them. */
import type { Context } from '../../platform/graphql/context.js';
import { viewerOf } from '../../platform/graphql/context.js';
import type { AvailableAction, Transition, TransitionConnection } from '../../customers/customer.type.js';
import { toConnection } from '../../platform/graphql/relay.js';
import type { WorkflowRow } from '../definition.js';
import type { WorkflowEngine } from '../engine.js';
import type { WorkflowDefinition } from '../workflow.js';

/** The events this viewer may send to the row now, with labels and inputs (from the machine). */
export async function availableActionsOf<TRow extends WorkflowRow, TFacts>(engine: WorkflowEngine, ctx: Context, def: WorkflowDefinition<TRow, TFacts>, row: TRow): Promise<AvailableAction[]> {
  const events = await engine.available(def, row, { kind: 'user', ...viewerOf(ctx) });
  // Labels and inputs from the machine version the row runs on (P11).
  const info = engine.versions.machineOf(def, row).events;
  return events.map((event) => ({ event, label: info[event]?.label ?? event, inputs: info[event]?.inputs ?? [] }));
}

/** P10: the entity's transitions, newest first. */
export async function historyOf(engine: WorkflowEngine, ctx: Context, entityId: string, first: number | null, after: string | null): Promise<TransitionConnection> {
  const page = await engine.history(entityId, { first, after });
  return toConnection(page, (r): Transition => ({ ...r, id: String(r.id) }), after !== null) as unknown as TransitionConnection;
}
