/**
 * Per-request DataLoaders of availableActions: the facts its guards read (`select` facts, e.g.
 * P5's cool-downs, and `loadMany` facts, e.g. A2's step holders) for a list's rows in one
 * statement per fact rule, not one per row (issue 14).
 */
import { loaderPerKey } from '../../platform/graphql/loaders.js';
import type { Actor } from '../actor.js';
import type { WorkflowEngine } from '../engine.js';
import type { WorkflowRow } from '../table.js';
import type { WorkflowDefinition } from '../workflow.js';

export const offerLoaders = (s: { engine: WorkflowEngine }) => ({
  /** Each row's offered facts for this workflow and actor (rows batch by id). */
  offeredFacts: loaderPerKey(
    (def: WorkflowDefinition, actor: Actor) => async (rows: readonly WorkflowRow[]) => {
      const facts = await s.engine.offeredFacts(def, rows, actor);
      return rows.map((r) => facts.get(r.id) ?? {});
    },
    (def, actor) => `${def.name}:${actor.id ?? actor.kind}`,
    (row) => row.id,
  ),
});
