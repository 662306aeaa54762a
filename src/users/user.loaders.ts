/** Per-request DataLoaders of the users feature (made through `ctx.scope.use`). */
import DataLoader from 'dataloader';
import type { UserCard } from '../platform/db/schema.js';
import type { UserService } from './user.service.js';

export const userLoaders = (s: { users: UserService }) => ({
  userById: new DataLoader<string, UserCard | null>((ids) => s.users.byIds(ids)),
});
