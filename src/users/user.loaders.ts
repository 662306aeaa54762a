/** Per-request DataLoaders of the users feature (made through `ctx.scope.use`). */
import DataLoader from 'dataloader';
import type { UserRow } from '../platform/db/schema.js';
import type { UserService } from './user.service.js';

export const userLoaders = (s: { users: UserService }) => ({
  userById: new DataLoader<string, UserRow | null>((ids) => s.users.byIds(ids)),
});
