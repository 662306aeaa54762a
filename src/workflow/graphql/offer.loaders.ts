/**
 * Per-request DataLoaders of availableActions: the facts its guards read (`select` facts, e.g.
 * P5's cool-downs) for a list's rows in one statement, not one per row (issue 14).
 */
import DataLoader from 'dataloader';
import type { Actor } from '../actor.js';
import type { WorkflowEngine } from '../engine.js';
import type { WorkflowDefinition } from '../workflow.js';

export const offerLoaders = (s: { engine: WorkflowEngine }) => {
  const loaders = new Map<string, DataLoader<string, Record<string, unknown>>>();
  return {
    /** Each row's offered `select` facts for this workflow and actor, by row id. */
    offeredFacts(def: WorkflowDefinition, actor: Actor): DataLoader<string, Record<string, unknown>> {
      const key = `${def.name}:${actor.id ?? actor.kind}`;
      let loader = loaders.get(key);
      if (!loader) {
        loader = new DataLoader(async (ids) => {
          const facts = await s.engine.offeredFacts(def, ids, actor);
          return ids.map((id) => facts.get(id) ?? {});
        });
        loaders.set(key, loader);
      }
      return loader;
    },
  };
};
