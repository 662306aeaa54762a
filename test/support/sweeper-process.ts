/**
 * An API process for test/integration/customers/sweep-sigkill.test.ts, forked with the tsx
 * loader. It loads the app's code, says `loaded`, and on `start` runs createApp on the given
 * PostgreSQL database with the deadline sweeper on its own timer and the real clock, exactly as
 * a deployed instance would; then it says `ready`. Its log records go to the parent (`log`), so
 * the test can tell what each process fired and whether one logged an error. When the parent
 * disconnects it closes the app (waiting for a running sweep) and exits; the parent may just as
 * well SIGKILL it at any moment — that is the point.
 */
import { pino } from 'pino';
import { z } from 'zod';
import { createApp, type App } from '../../src/app.js';

const startCommand = z.object({
  cmd: z.literal('start'),
  databaseUrl: z.string(),
  jwtSecret: z.string(),
  sweepIntervalMs: z.number().int().positive(),
  sweepBatchSize: z.number().int().positive(),
  /** Also serve HTTP and WebSocket on a free port (the `ready` message then gives its URL). */
  listen: z.boolean().optional(),
});
/** What the parent sends, once (import the types only: importing this file runs it). */
export type StartCommand = z.infer<typeof startCommand>;

/** What the process tells its parent. */
export type SweeperMessage = { type: 'loaded' } | { type: 'ready'; url?: string } | { type: 'log'; line: string } | { type: 'failed'; message: string };

let app: App | undefined;

function tell(message: SweeperMessage): void {
  if (process.connected) process.send?.(message);
}

// Every log record, one JSON line each, to the parent.
const logger = pino({ level: 'info' }, { write: (line: string) => tell({ type: 'log', line }) });

process.on('message', (raw: unknown) => {
  const parsed = startCommand.safeParse(raw);
  if (!parsed.success || app) {
    tell({ type: 'failed', message: `unexpected command ${JSON.stringify(raw)}` });
    return;
  }
  const { databaseUrl, jwtSecret, sweepIntervalMs, sweepBatchSize, listen } = parsed.data;
  createApp({ databaseUrl, jwtSecret, sweepIntervalMs, sweepBatchSize, logger })
    .then(async (started) => {
      app = started;
      tell({ type: 'ready', ...(listen && { url: await started.listen(0, '127.0.0.1') }) });
    })
    .catch((err: unknown) => {
      tell({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      process.exit(1);
    });
});

// The parent is done with this process (or gone): close the app so the database can be dropped.
process.on('disconnect', () => {
  void (app?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});

tell({ type: 'loaded' });
