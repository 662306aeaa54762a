/** Per-request DataLoaders: one factory per relation, so nested lists cost one query per level. */
import DataLoader from 'dataloader';
import type { UserRow } from '../db/schema.js';
import type { Services } from '../services.js';

export function createLoaders(services: Services) {
  return {
    userById: new DataLoader<string, UserRow | null>((ids) => services.users.byIds(ids)),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
