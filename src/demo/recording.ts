/**
 * The demo seed, recorded once and replayed in bulk (issue 14: an empty start in seconds).
 *
 * The demo's story runs through the real services and engine: about 1,500 statements for about
 * 550 rows, most of an empty start on PGlite. Its result depends only on the code, the migrations
 * and the moment it ran. So npm start's prestart (scripts/prestart.mjs, with record-story.ts) runs the story once, on a throw-away database, and keeps its rows in
 * `dist/demo-seed/<digest of the code and migrations>.json`; an empty database then gets those
 * rows with one INSERT … SELECT per table in one transaction, moved to the present:
 *
 * - every instant (timestamptz columns, and ISO instants inside JSON such as a transition's
 *   `deadlineAt`) moves by now − the recording's moment; dates (`YYYY-MM-DD`, the story's "n days
 *   ago" at the moment's time of day) move with them;
 * - every row id (uuid primary keys) is replaced with a fresh one, wherever it appears;
 * - sequences continue where the story left them; trigger-maintained tables (customer_names) are
 *   filled by their triggers;
 * - `adjust` (seed.ts) re-derives what does not move with the clock (working-day deadlines,
 *   contract numbers' years) and sets the users' password hash.
 *
 * Without a recording for the running code (a source checkout under vitest, an edited build) the
 * story runs through the services as before.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { Database } from '../platform/db/client.js';
import { DEFAULT_POOL_ID, ROOT_DEPARTMENT_ID } from '../platform/db/schema.js';
import { migrationsFolder, packageRoot } from '../platform/db/paths.js';

export interface RecordedTable {
  readonly name: string;
  /** The columns written (generated ones are not), with their SQL types (information_schema's data_type). */
  readonly columns: ReadonlyArray<{ readonly name: string; readonly type: string }>;
  /** As `to_json` gives them, in heap order. */
  rows: Record<string, unknown>[];
}

export interface DemoRecording {
  readonly key: string;
  /** When the story's "now" was (ISO). */
  readonly recordedAt: string;
  /** In an order that inserts every referenced row first. */
  readonly tables: RecordedTable[];
  readonly sequences: ReadonlyArray<{ readonly name: string; readonly lastValue: string | null }>;
}

/** Tables their triggers fill (migration 0013): never written directly. */
const TRIGGER_FILLED = new Set(['customer_names']);
/** Rows the migrations make keep their ids (the root department, the default pool: code names them). */
const MIGRATED_IDS: ReadonlySet<string> = new Set([ROOT_DEPARTMENT_ID, DEFAULT_POOL_ID]);

const FILE = /^[0-9a-f]{16}\.json$/;

function hashTree(hash: ReturnType<typeof createHash>, dir: string, rel = ''): void {
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const path = join(rel, name);
    if (statSync(join(dir, path)).isDirectory()) hashTree(hash, dir, path);
    else if (/\.(js|ts|json|sql)$/.test(name))
      hash
        .update(path)
        .update('\0')
        .update(readFileSync(join(dir, path)))
        .update('\0');
  }
}

/** A digest of the running code (src/ or dist/src/, whichever this module is in) and the migrations. */
export function demoRecordingKey(): string {
  const hash = createHash('sha256');
  hashTree(hash, dirname(dirname(fileURLToPath(import.meta.url))));
  hashTree(hash, migrationsFolder());
  return hash.digest('hex').slice(0, 16);
}

function recordingDir(): string {
  return join(packageRoot(), 'dist', 'demo-seed');
}

/** The recording made for the running code and migrations, if there is one. */
export function loadDemoRecording(key = demoRecordingKey()): DemoRecording | undefined {
  const file = join(recordingDir(), `${key}.json`);
  if (!existsSync(file)) return undefined;
  const recording = JSON.parse(readFileSync(file, 'utf8')) as DemoRecording;
  return recording.key === key ? recording : undefined;
}

/** Writes a recording (a rename, so a reader never sees half a file) and removes older ones. */
export function saveDemoRecording(recording: DemoRecording): void {
  const dir = recordingDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${recording.key}.json`);
  writeFileSync(`${file}.tmp-${process.pid}`, JSON.stringify(recording));
  renameSync(`${file}.tmp-${process.pid}`, file);
  for (const old of readdirSync(dir)) if (old !== basename(file) && FILE.test(old)) rmSync(join(dir, old), { force: true });
}

/** Public tables with their foreign keys' targets, referenced tables first. */
async function tableOrder(database: Database): Promise<string[]> {
  const tables = await database.rows<{ name: string }>(
    database.db,
    sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const refs = await database.rows<{ t: string; ref: string }>(
    database.db,
    sql`select conrelid::regclass::text as t, confrelid::regclass::text as ref from pg_constraint
        where contype = 'f' and connamespace = 'public'::regnamespace and conrelid <> confrelid`,
  );
  const order: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (order.includes(name) || path.includes(name)) return;
    for (const r of refs) if (r.t === name) visit(r.ref, [...path, name]);
    order.push(name);
  };
  for (const t of tables) visit(t.name, []);
  return order.filter((t) => !TRIGGER_FILLED.has(t));
}

/** Column types whose values are dumped as text. */
const EXACT = new Set(['numeric', 'bigint']);

/** Everything in the public tables and sequences, as it is now. */
export async function recordDemoSeed(database: Database, recordedAt: Date, key = demoRecordingKey()): Promise<DemoRecording> {
  const tables: RecordedTable[] = [];
  for (const name of await tableOrder(database)) {
    const columns = await database.rows<{ name: string; type: string }>(
      database.db,
      sql`select column_name as name, data_type as type from information_schema.columns
          where table_schema = 'public' and table_name = ${name} and is_generated = 'NEVER' order by ordinal_position`,
    );
    // Numbers as text: JSON numbers would lose a numeric's scale (12800.00) and a bigint's digits.
    const list = sql.join(
      columns.map((c) => (EXACT.has(c.type) ? sql`${sql.identifier(c.name)}::text as ${sql.identifier(c.name)}` : sql.identifier(c.name))),
      sql`, `,
    );
    const [dump] = await database.rows<{ rows: Record<string, unknown>[] }>(
      database.db,
      sql`select coalesce(json_agg(to_json(s) order by s.heap_order_), '[]'::json) as rows
          from (select ${list}, ctid as heap_order_ from ${sql.identifier(name)}) s`,
    );
    const rows = (dump?.rows ?? []).map(({ heap_order_: _, ...row }) => row);
    tables.push({ name, columns, rows });
  }
  const sequences = await database.rows<{ name: string; lastValue: string | null }>(
    database.db,
    sql`select sequencename as name, last_value::text as "lastValue" from pg_sequences where schemaname = 'public' order by 1`,
  );
  return { key, recordedAt: recordedAt.toISOString(), tables, sequences };
}

const INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const DAY = 86_400_000;

/** Moves a recording's values to `now` and gives its rows fresh ids (see the module comment). */
function moveToNow(recording: DemoRecording, now: Date): RecordedTable[] {
  const shift = now.getTime() - Date.parse(recording.recordedAt);
  // A date is the UTC day of "n days before the moment": the same n days before now.
  const timeOfDay = Date.parse(recording.recordedAt) % DAY;
  const ids = new Map<string, string>();
  for (const t of recording.tables)
    if (t.columns.some((c) => c.name === 'id' && c.type === 'uuid'))
      for (const r of t.rows) if (!MIGRATED_IDS.has(String(r.id))) ids.set(String(r.id), randomUUID());
  const instant = (v: string) => new Date(Date.parse(v) + shift).toISOString();
  // An id behind a prefix (T4's hold `lock:<user id>`) moves with its row too.
  const prefixedId = (v: string) => {
    const [, prefix, id] = /^([a-z]+:)(.+)$/.exec(v) ?? [];
    const moved = id === undefined ? undefined : ids.get(id);
    return moved === undefined ? undefined : `${prefix}${moved}`;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return ids.get(v) ?? prefixedId(v) ?? (INSTANT.test(v) ? instant(v) : v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const value = (type: string, v: unknown): unknown => {
    if (typeof v !== 'string') return walk(v);
    if (type === 'timestamp with time zone') return instant(v);
    if (type === 'date') return new Date(Date.parse(v) + timeOfDay + shift).toISOString().slice(0, 10);
    return walk(v);
  };
  return recording.tables.map((t) => ({
    ...t,
    rows: t.rows.map((r) => Object.fromEntries(t.columns.map((c) => [c.name, value(c.type, r[c.name])]))),
  }));
}

/**
 * Inserts a recording into an empty database, moved to `now`, in one transaction: one statement
 * per table and one per sequence. `adjust` changes the moved rows before they are written.
 */
export async function replayDemoRecording(
  database: Database,
  recording: DemoRecording,
  now: Date,
  adjust: (tables: ReadonlyMap<string, RecordedTable>) => void,
): Promise<void> {
  const tables = moveToNow(recording, now);
  adjust(new Map(tables.map((t) => [t.name, t])));
  await database.db.transaction(async (tx) => {
    for (const t of tables) {
      if (t.rows.length === 0) continue;
      const columns = sql.join(
        t.columns.map((c) => sql.identifier(c.name)),
        sql`, `,
      );
      const table = sql.identifier(t.name);
      // Rows the migrations made (the root department, the default pool and its membership) are there already.
      await tx.execute(
        sql`insert into ${table} (${columns}) select ${columns} from json_populate_recordset(null::${table}, ${JSON.stringify(t.rows)}::json) on conflict do nothing`,
      );
    }
    for (const s of recording.sequences)
      if (s.lastValue !== null) await tx.execute(sql`select setval(${`public.${s.name}`}::regclass, ${s.lastValue}::bigint, true)`);
  });
}
