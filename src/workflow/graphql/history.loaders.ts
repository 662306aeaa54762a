/** Per-request DataLoaders of the shared workflow fields: a list's histories cost one statement, not one per row. */
import DataLoader from 'dataloader';
import type { TransitionRow } from '../../platform/db/schema.js';
import type { Page } from '../../platform/pagination.js';
import type { WorkflowEngine } from '../engine.js';

export const historyLoaders = (s: { engine: WorkflowEngine }) => ({
  /** The first page of each entity's history; keys with the same page size batch together. */
  firstHistoryPage: new DataLoader<{ entityId: string; first: number }, Page<TransitionRow>, string>(
    async (keys) => {
      const bySize = new Map<number, string[]>();
      for (const k of keys) bySize.set(k.first, [...(bySize.get(k.first) ?? []), k.entityId]);
      const pages = new Map<string, Page<TransitionRow>>();
      for (const [first, ids] of bySize) {
        const result = await s.engine.firstHistoryPages(ids, first);
        ids.forEach((id, i) => {
          const page = result[i];
          if (page) pages.set(`${id}:${first}`, page);
        });
      }
      return keys.map((k) => pages.get(`${k.entityId}:${k.first}`) ?? new Error(`no history page for ${k.entityId}`));
    },
    { cacheKeyFn: (k) => `${k.entityId}:${k.first}` },
  ),
});
