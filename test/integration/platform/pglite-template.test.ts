/**
 * A new embedded data directory starts as a copy of the template cluster (initdb + migrations),
 * and the app on it behaves as on a fresh database: migrations find nothing to do, demo users are
 * seeded once, and a second start keeps what the first one wrote. (README: Performance, start.)
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../src/demo/seed.js';
import { createApp } from '../../../src/app.js';
import { openDatabase } from '../../../src/platform/db/client.js';
import { ensurePgliteTemplate, templateDir } from '../../../src/platform/db/pglite.js';
import { onPostgres } from '../../support/app.js';

describe.skipIf(onPostgres)('PGlite template cluster', () => {
  const root = mkdtempSync(join(tmpdir(), 'custodian-template-test-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('should make a template once, with the migrations applied, and leave other folders alone', async () => {
    const templates = join(root, 'templates');
    const dir = join(templates, '0.0.0-0123456789abcdef');
    mkdirSync(join(templates, '0.0.0-fedcba9876543210'), { recursive: true });
    mkdirSync(join(templates, 'not-a-template'), { recursive: true });
    await ensurePgliteTemplate(dir);
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
    const database = await openDatabase({ dataDir: dir });
    try {
      const applied = await database.rows<{ n: number }>(database.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      expect(applied[0]?.n).toBeGreaterThan(0);
    } finally {
      await database.close();
    }
    // The older template went, the unrelated folder stayed, nothing half-made is left behind.
    expect(readdirSync(templates).sort()).toEqual(['0.0.0-0123456789abcdef', 'not-a-template']);
    expect(await ensurePgliteTemplate(dir)).toBe(dir);
  }, 180_000);

  it('should start an empty data directory from the template and keep its data across starts', async () => {
    const dataDir = join(root, 'data');
    const first = await createApp({ dataDir, seedDemo: true, seedDemoCustomers: false, sweepIntervalMs: 0 });
    try {
      expect(existsSync(join(templateDir(), 'PG_VERSION'))).toBe(true);
      const [row] = await first.database.rows<{ n: number }>(first.database.db, sql`select count(*)::int as n from users`);
      expect(row?.n).toBe(DEMO_USERS.length);
      await first.database.db.execute(sql`update users set display_name = 'kept' where username = 'admin'`);
    } finally {
      await first.close();
    }
    const second = await createApp({ dataDir, seedDemo: true, seedDemoCustomers: false, sweepIntervalMs: 0 });
    try {
      const rows = await second.database.rows<{ display_name: string; n: number }>(
        second.database.db,
        sql`select (select display_name from users where username = 'admin') as display_name, (select count(*)::int from users) as n`,
      );
      expect(rows[0]).toEqual({ display_name: 'kept', n: DEMO_USERS.length });
    } finally {
      await second.close();
    }
  }, 180_000);
});
