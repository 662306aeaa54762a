/**
 * Per-request DataLoaders of availableActions: the facts its guards read (`select` facts, e.g.
 * P5's cool-downs) for a list's rows in one statement, not one per row (issue 14).
 */
import { loaderPerKey } from '../../platform/graphql/loaders.js';
import type { Actor } from '../actor.js';
import type { WorkflowEngine } from '../engine.js';
import type { WorkflowDefinition } from '../workflow.js';

export const offerLoaders = (s: { engine: WorkflowEngine }) => ({
  /** Each row's offered `select` facts for this workflow and actor, by row id. */
  offeredFacts: loaderPerKey(
    (def: WorkflowDefinition, actor: Actor) => async (ids: readonly string[]) => {
      const facts = await s.engine.offeredFacts(def, ids, actor);
      return ids.map((id) => facts.get(id) ?? {});
    },
    (def, actor) => `${def.name}:${actor.id ?? actor.kind}`,
  ),
});
