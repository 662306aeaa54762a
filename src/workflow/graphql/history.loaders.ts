/** Per-request DataLoaders of the shared workflow fields: a list's histories cost one statement, not one per row. */
import { loaderPerKey } from '../../platform/graphql/loaders.js';
import type { WorkflowEngine } from '../engine.js';

export const historyLoaders = (s: { engine: WorkflowEngine }) => ({
  /** The first `first` history rows of each entity by id: one statement per page size. */
  firstHistoryPage: loaderPerKey((first: number) => (ids: readonly string[]) => s.engine.firstHistoryPages(ids, first)),
});
