/** Migration 0025 (V2): free-text levels become the pyramid's codes by the same words parseLevel knows; the rest is kept in level_note. */
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLevel } from '../../src/customers/customer-level.js';

const SQL = readFileSync(new URL('../../drizzle/0025_customer_value.sql', import.meta.url), 'utf8');
const statements = SQL.split('--> statement-breakpoint').map((s) => s.trim());
const update = statements.find((s) => /UPDATE "customers"/u.test(s)) ?? '';
const check = statements.find((s) => s.includes('customers_level_check')) ?? '';

describe('migration 0025: customer levels become the value pyramid (V2)', () => {
  const db = new PGlite();
  const before = ['VIP', ' vip ', '主要客户', '大客户', '普通', '小客户', 'A', '重点', '', null];

  beforeAll(async () => {
    await db.exec(`create table customers (id int primary key, level text, level_note text)`);
    for (const [i, level] of before.entries()) await db.query(`insert into customers values ($1, $2, null)`, [i, level]);
    await db.exec(update);
    await db.exec(check);
  });
  afterAll(() => db.close());

  it('should map the pyramid’s words as parseLevel does and keep every other text in level_note', async () => {
    const { rows } = await db.query<{ level: string | null; level_note: string | null }>(`select level, level_note from customers order by id`);
    expect(rows).toEqual(
      before.map((text) => {
        const code = text === null ? null : parseLevel(text);
        return { level: code, level_note: text !== null && code === null ? text : null };
      }),
    );
    expect(rows.slice(0, 6).map((r) => r.level)).toEqual(['VIP', 'VIP', 'MAJOR', 'MAJOR', 'ORDINARY', 'SMALL']);
    expect(rows[6]).toEqual({ level: null, level_note: 'A' });
  });

  it('should refuse a level outside the pyramid afterwards', async () => {
    await expect(db.query(`insert into customers values (99, 'A', null)`)).rejects.toThrow(/customers_level_check/);
  });
});
