/** Runs the demo story through the services on a throw-away database and records the result (recording.ts). */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { openDatabase } from '../platform/db/client.js';
import { runMigrations } from '../platform/db/migrate.js';
import { createTokenService } from '../platform/auth/tokens.js';
import { systemClock } from '../platform/clock.js';
import { recordDemoSeed, type DemoRecording } from './recording.js';
import { seedDemoData } from './seed.js';

export async function recordDemoStory(key: string): Promise<DemoRecording> {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-demo-recording-'));
  try {
    // A directory, not memory: it starts as a copy of the template cluster (no initdb).
    const database = await openDatabase({ dataDir: join(dir, 'pg') });
    try {
      await runMigrations(database);
      const now = systemClock();
      const tokens = createTokenService(randomBytes(32).toString('hex'), 3600, systemClock);
      await seedDemoData({ database, tokens, clock: () => now, logger: pino({ level: 'silent' }) }, true, { replay: false });
      return await recordDemoSeed(database, now, key);
    } finally {
      await database.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
