/** The domain services of one app instance, wired once by createApp. */
import type { Logger } from 'pino';
import type { Database } from './db/client.js';
import type { TokenService } from './domain/auth/tokens.js';
import { UserService } from './domain/users/user.service.js';
import type { Clock } from './shared/clock.js';

export interface ServiceDeps {
  database: Database;
  tokens: TokenService;
  clock: Clock;
  logger: Logger;
}

export function createServices(deps: ServiceDeps) {
  return {
    users: new UserService(deps.database, deps.tokens, deps.clock),
  };
}

export type Services = ReturnType<typeof createServices>;
