/**
 * The `duplicates` benchmark's data and queries, shared by the PostgreSQL phase (duplicates.ts)
 * and the embedded one (duplicates-embedded.ts): N realistic customers made in SQL in bulk, the
 * keywords and phones to check, and the hand-written baseline of the duplicate check's query.
 *
 * Names are region + trade name + industry + organisation form (靖江市 + 澜拓 + 空调 +
 * 有限公司), from the word lists of the key derivation (src/customers/rules/e1-trade-name.words.json).
 * The trade name *is* the key, and keys are unique (E4), so each customer gets its own: the first
 * ones a pair of two common trade-name characters (华达, 春意 …), the rest two pairs (华达春意). A
 * pair is used only if the app derives exactly that pair from names built with it (checked here
 * in JS); a sample of the rows is checked again after loading. Deriving a million names in JS
 * would take minutes (about 0.3 ms each), so the key is generated, not derived.
 */
import { performance } from 'node:perf_hooks';
import { sql, type SQL } from 'drizzle-orm';
import { deriveTradeName } from '../src/customers/rules/e1-trade-name.js';
import words from '../src/customers/rules/e1-trade-name.words.json' with { type: 'json' };
import type { Db } from '../src/platform/db/client.js';

/** Characters common in trade names; pairs of them are the keys. */
const TRADE_CHARS = [
  ...'华宏达兴盛鑫恒瑞祥泰丰源永隆昌德信诚益凯康宁嘉和顺佳美创博远航宇星辰光明晨阳春意锦绣润泽汇通立仁义智慧升腾飞龙凤鹏程富贵吉豪雅雄伟俊杰卓越冠奥优尚品臻铭誉宸森林峰岳川朗晖澜拓',
];
/** Characters no generated name contains: keywords that find nothing. */
const RARE_CHARS = [...'犇骉羴猋麤灥赑淼焱垚'];
const FORMS = ['有限公司', '有限责任公司', '股份有限公司', '集团有限公司'];
const AREA_CODES = ['0523', '0571', '0755', '0512', '0510', '025', '021', '010'];
/** Customers per INSERT statement (and transaction). */
const CHUNK = 50_000;

/** The parts names are built from. */
export interface NameParts {
  regions: string[];
  industries: string[];
  forms: string[];
  /** Two-character keys the app derives back exactly. */
  pairs: string[];
}

/** Regions as they start a registered name (靖江市), industries that are one word. */
export function nameParts(): NameParts {
  const regions = words.regions
    .filter((r) => [...r].length >= 2 && [...r].length <= 3 && !/[省市区县旗盟州]$/u.test(r))
    .filter((_, i) => i % 7 === 0)
    .slice(0, 200)
    .map((r) => `${r}市`);
  const industries = words.industries
    .filter((w) => [...w].length === 2 || [...w].length === 4)
    .filter((_, i) => i % 3 === 0)
    .slice(0, 120);
  const pairs: string[] = [];
  const industryWords = new Set(words.industries);
  for (const a of TRADE_CHARS) {
    for (const b of TRADE_CHARS) {
      const pair = a + b;
      // An industry word (通信) would be stripped as one when it ends a four-character key (晨雅通信).
      if (a === b || industryWords.has(pair)) continue;
      const ok = [0, 1, 2].every((k) => {
        const name = `${regions[(k * 71 + pairs.length) % regions.length]}${pair}${industries[(k * 37 + pairs.length) % industries.length]}${FORMS[k % FORMS.length]}`;
        return deriveTradeName(name) === pair;
      });
      if (ok) pairs.push(pair);
    }
  }
  return { regions, industries, forms: FORMS, pairs };
}

/** The key of customer g (1-based): the g-th pair, then pairs of pairs spread so each pair starts and ends about N/n keys. */
function keyExpression(n: number): SQL {
  return sql`case when g <= ${n} then p.pairs[g]
    else p.pairs[1 + (g - ${n} - 1) % ${n}] || p.pairs[1 + (((g - ${n} - 1) / ${n}) + ((g - ${n} - 1) % ${n}) * 37) % ${n}] end`;
}

/** Rows of a query's result, from postgres.js (an array) or PGlite (`rows`). */
async function rowsOf<T>(db: Db, query: SQL): Promise<T[]> {
  const r = (await db.execute(query)) as unknown;
  return (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];
}

/** What the load sets aside and puts back: its DDL statements (create, drop) in order. */
interface SetAside {
  name: string;
  create: string;
  drop: string;
}

/**
 * The indexes of the tables the load writes that no constraint stands on (all but the primary
 * keys, which foreign keys need), GIN first as the slowest to build; and the insert trigger of
 * customers, whose transition table would hold a copy of every inserted row even with triggers off.
 */
async function setAside(db: Db): Promise<{ indexes: SetAside[]; triggers: SetAside[] }> {
  const indexes = await rowsOf<{ name: string; create: string }>(
    db,
    sql`select c.relname as name, pg_get_indexdef(i.indexrelid) as create from pg_index i
      join pg_class c on c.oid = i.indexrelid join pg_class t on t.oid = i.indrelid join pg_namespace s on s.oid = t.relnamespace
      where s.nspname = 'public' and t.relname in ('customers', 'customer_names', 'contacts', 'transitions')
        and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
      order by pg_get_indexdef(i.indexrelid) like '% USING gin %' desc, c.relname`,
  );
  const triggers = await rowsOf<{ name: string; create: string }>(
    db,
    sql`select tgname as name, pg_get_triggerdef(oid) as create from pg_trigger where tgrelid = 'customers'::regclass and tgnewtable is not null`,
  );
  return {
    indexes: indexes.map((i) => ({ ...i, drop: `drop index "${i.name}"` })),
    triggers: triggers.map((t) => ({ ...t, drop: `drop trigger "${t.name}" on customers` })),
  };
}

/**
 * One statement for customers g = from…to: the customers, their history, their contacts and their
 * rows of customer_names (as the insert trigger would write them), from generate_series.
 */
function rangeStatement(parts: NameParts, templateId: string, from: number, to: number): SQL {
  const json = (list: readonly string[]) => JSON.stringify(list);
  return sql`
      with p as (
        select array(select jsonb_array_elements_text(${json(parts.regions)}::jsonb)) as regions,
          array(select jsonb_array_elements_text(${json(parts.industries)}::jsonb)) as industries,
          array(select jsonb_array_elements_text(${json(parts.forms)}::jsonb)) as forms,
          array(select jsonb_array_elements_text(${json(parts.pairs)}::jsonb)) as pairs,
          array(select jsonb_array_elements_text(${json(AREA_CODES)}::jsonb)) as areas
      ), made as (
        select g, ${keyExpression(parts.pairs.length)} as key, p.regions[1 + (g * 7) % array_length(p.regions, 1)] as region,
          p.industries[1 + (g * 13) % array_length(p.industries, 1)] as industry, p.forms[1 + (g * 3) % array_length(p.forms, 1)] as form,
          case when g % 3 = 0 then p.areas[1 + (g / 3) % array_length(p.areas, 1)] || '-8' || lpad(g::text, 7, '0')
            else '1' || (3 + g % 6)::text || lpad(g::text, 9, '0') end as phone
        from p, generate_series(${from}::int, ${to}::int) g
      ), inserted as (
        insert into customers (name, trade_name, address, industry, phone, phone_key, introduction, state, snapshot, version,
          machine_version, stage, custodian_id, created_by_id, deadline_at, deadline_event, created_at, updated_at)
        select m.region || m.key || m.industry || m.form, m.key, t.address, m.industry, m.phone, regexp_replace(m.phone, '[^0-9]', '', 'g'),
          t.introduction, t.state, t.snapshot, t.version, t.machine_version, t.stage, t.custodian_id, t.created_by_id, t.deadline_at,
          t.deadline_event, t.created_at - (m.g % 400) * interval '1 day', t.updated_at
        from made m, customers t where t.id = ${templateId}::uuid
        returning id, name, trade_name, phone_key
      ), history as (
        insert into transitions (entity_type, entity_id, machine, machine_version, event, from_state, to_state, actor_id, reason, payload, created_at)
        select tr.entity_type, i.id, tr.machine, tr.machine_version, tr.event, tr.from_state, tr.to_state, tr.actor_id, tr.reason, tr.payload, tr.created_at
        from inserted i, transitions tr where tr.entity_id = ${templateId}::uuid
      ), names as (
        insert into customer_names (customer_id, name, trade_name) select id, name, trade_name from inserted
      )
      insert into contacts (customer_id, name, title, mobile, created_by_id, created_at, updated_at, state, snapshot)
      select i.id, '联系人' || right(i.phone_key, 4), '采购经理', '19' || right(lpad(i.phone_key, 9, '0'), 9), t.created_by_id, t.created_at, t.updated_at,
        'active', '{"status":"active","value":"active","historyValue":{},"context":{"leftOn":null,"leftNote":null},"children":{}}'::jsonb
      from inserted i, customers t where t.id = ${templateId}::uuid and right(i.phone_key, 1) = '0'`;
}

/** Runs `tasks` on `workers` concurrent loops; the first failure is thrown once all have stopped. */
async function inParallel(workers: number, tasks: (() => Promise<void>)[]): Promise<void> {
  const queue = [...tasks];
  const results = await Promise.allSettled(
    Array.from({ length: workers }, async () => {
      for (let task = queue.shift(); task; task = queue.shift()) await task();
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Inserts customers g = 1…count, copies of the template's state, snapshot, custodian and history
 * (its transitions, one set per customer), each with its own name, key, phone and — every tenth —
 * a contact with a mobile, and its customer_names row. Customers' phones: two in three mobiles
 * (1[3-8] + 9 digits), the rest landlines (area code + 8 digits), all unique. As a bulk load does,
 * the indexes of the tables written but their primary keys, and customers' insert trigger, are
 * dropped first and made again after the rows are in (a unique index checks the rows as it is
 * built). Ranges of CHUNK customers are loaded by `workers` connections at once
 * (on PostgreSQL; PGlite has one), each range one statement in a transaction with triggers off
 * (session_replication_role, superuser): no per-row foreign-key checks on rows built from existing
 * ids, and customer_names is written by the statement itself rather than by the insert trigger.
 * The indexes are then built by as many connections, the GIN ones first.
 */
export async function insertCustomers(db: Db, parts: NameParts, templateId: string, count: number, log: (m: string) => void, workers = 1): Promise<void> {
  if (count - parts.pairs.length > parts.pairs.length ** 2) throw new Error(`at most ${parts.pairs.length ** 2} customers`);
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const { indexes, triggers } = await setAside(db);
  await db.transaction(async (tx) => {
    for (const x of [...indexes, ...triggers]) await tx.execute(sql.raw(x.drop));
  });
  const ranges = Array.from({ length: Math.ceil(count / CHUNK) }, (_, k) => [1 + k * CHUNK, Math.min(count, (k + 1) * CHUNK)] as const);
  await inParallel(
    workers,
    ranges.map(([from, to]) => async () => {
      await db.transaction(async (tx) => {
        await tx.execute(sql`set local session_replication_role = replica`);
        await tx.execute(rangeStatement(parts, templateId, from, to));
      });
      log(`inserted customers ${from}–${to} (${elapsed()})`);
    }),
  );
  await inParallel(
    workers,
    indexes.map((i) => async () => {
      await db.transaction(async (tx) => {
        await tx.execute(sql`set local maintenance_work_mem = '512MB'`);
        await tx.execute(sql.raw(i.create));
      });
    }),
  );
  for (const t of triggers) await db.execute(sql.raw(t.create));
  log(`rebuilt ${indexes.length} indexes (${elapsed()})`);
  await inParallel(
    workers,
    ['customers', 'customer_names', 'contacts', 'transitions'].map((table) => async () => {
      await db.execute(sql.raw(`analyze ${table}`));
    }),
  );
}

/** One duplicate check to measure: its kind (for per-kind figures) and arguments. */
export interface CheckCase {
  kind: 'exact key' | 'longer key' | 'full name' | 'miss' | 'phone' | 'contact phone' | 'phone miss';
  keyword: string | null;
  phone: string | null;
}

/** Deterministic picks: the k-th of `count` spread over 1…max. */
const spread = (k: number, count: number, max: number) => 1 + Math.floor(((k + 0.5) * max) / count);

/** `perKind` cases of each kind, drawn from the generated rows (`count` customers). */
export async function checkCases(db: Db, parts: NameParts, count: number, perKind: number): Promise<CheckCase[]> {
  const cases: CheckCase[] = [];
  const picks = Array.from({ length: perKind }, (_, k) => spread(k, perKind, count));
  const res = (await db.execute(sql`select c.name, c.trade_name, c.phone, (select mobile from contacts k where k.customer_id = c.id limit 1) as mobile
    from customers c where c.phone_key is not null and c.trade_name = any(array(select jsonb_array_elements_text(${JSON.stringify(
      picks.map((g) => keyOf(parts.pairs, g)),
    )}::jsonb)))`)) as unknown;
  const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as { name: string; trade_name: string; phone: string; mobile: string | null }[];
  const withContacts = (await db.execute(sql`select mobile from contacts where mobile like '19%' order by mobile limit ${perKind}`)) as unknown;
  const mobiles = ((Array.isArray(withContacts) ? withContacts : (withContacts as { rows: unknown[] }).rows) as { mobile: string }[]).map((r) => r.mobile);
  for (let k = 0; k < perKind; k += 1) {
    const row = rows[k % Math.max(rows.length, 1)];
    cases.push({ kind: 'exact key', keyword: parts.pairs[(k * 97) % parts.pairs.length] ?? '华达', phone: null });
    if (row) {
      cases.push({ kind: 'longer key', keyword: row.trade_name, phone: null });
      cases.push({ kind: 'full name', keyword: row.name, phone: null });
      cases.push({
        kind: 'phone',
        keyword: null,
        phone: row.phone.startsWith('1') ? `+86 ${row.phone.slice(0, 3)} ${row.phone.slice(3, 7)} ${row.phone.slice(7)}` : row.phone,
      });
    }
    const rare = RARE_CHARS.length;
    cases.push({ kind: 'miss', keyword: `${RARE_CHARS[k % rare]}${RARE_CHARS[(k * 3 + 1) % rare]}${k % 2 ? '科技' : ''}`, phone: null });
    const mobile = mobiles[k % Math.max(mobiles.length, 1)];
    if (mobile) cases.push({ kind: 'contact phone', keyword: null, phone: mobile });
    cases.push({ kind: 'phone miss', keyword: null, phone: `17${String(k).padStart(9, '0')}` });
  }
  return cases;
}

/** The key insertCustomers gives customer g (as keyExpression does in SQL). */
export function keyOf(pairs: readonly string[], g: number): string {
  const n = pairs.length;
  if (g <= n) return pairs[g - 1] ?? '';
  const h = g - n - 1;
  return (pairs[h % n] ?? '') + (pairs[(Math.floor(h / n) + (h % n) * 37) % n] ?? '');
}
