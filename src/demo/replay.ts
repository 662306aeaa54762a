/**
 * The recorded demo story (recording.ts), replayed: the rows moved to now, and then what does not
 * move with the clock derived again as the product derives it. A test (demo-recording.test.ts)
 * replays a recording made days earlier, across a weekend, and compares it with the story run
 * through the services at the same moment: anything else that failed to move would show there.
 */
import type { Database } from '../platform/db/client.js';
import type { Logger } from 'pino';
import { p1ProtectionAudit } from '../customers/rules/p1-protection-audit.js';
import { localDateString } from '../workflow/policy/calendar.js';
import { DEFAULT_POLICY } from '../workflow/policy/policy.js';
import { loadDemoRecording, replayDemoRecording, type DemoRecording, type RecordedTable } from './recording.js';

type Row = Record<string, unknown>;

const rowsOf = (tables: ReadonlyMap<string, RecordedTable>, name: string): Row[] => tables.get(name)?.rows ?? [];

/**
 * P1: a rejected customer is released 3 *working* days after its rejection (the story's policy is
 * the default one, as when it runs through the services). Moving the rejection moves the weekend.
 */
function rederiveRejectionRelease(tables: ReadonlyMap<string, RecordedTable>): void {
  const release = p1ProtectionAudit.terms?.rejectionRelease;
  if (!release) throw new Error('P1 has no rejectionRelease term');
  const transitions = rowsOf(tables, 'transitions');
  for (const customer of rowsOf(tables, 'customers')) {
    if (customer.state !== 'prospect.rejected') continue;
    const rejection = transitions
      .filter((t) => t.entity_id === customer.id && t.event === 'PROTECTION_REJECTED')
      .sort((a, b) => Number(a.id) - Number(b.id))
      .at(-1);
    if (!rejection) throw new Error(`recorded rejected customer ${String(customer.name)} has no rejection`);
    const deadline = release(new Date(String(rejection.created_at)), DEFAULT_POLICY).toISOString();
    customer.deadline_at = deadline;
    rejection.payload = { ...(rejection.payload as Row), deadlineAt: deadline };
  }
}

/** C1: a contract's number carries the (local) year it was reserved in. */
function rederiveContractYears(tables: ReadonlyMap<string, RecordedTable>): void {
  const renamed = new Map<string, string>();
  for (const contract of rowsOf(tables, 'contracts')) {
    const year = localDateString(new Date(String(contract.created_at)), DEFAULT_POLICY.calendar.timeZone).slice(0, 4);
    const number = String(contract.number).replace(/-\d{4}-(\d+)$/, `-${year}-$1`);
    if (number !== contract.number) renamed.set(String(contract.number), number);
    contract.number = number;
  }
  // The texts that name a contract (notifications, a CREDIT application's reason, V5) name it anew.
  const rename = (text: unknown) => (typeof text === 'string' ? text.replace(/[A-Za-z0-9_-]+-\d{4}-\d+/g, (n) => renamed.get(n) ?? n) : text);
  for (const n of rowsOf(tables, 'notifications')) Object.assign(n, { text_zh: rename(n.text_zh), text_en: rename(n.text_en) });
  for (const a of rowsOf(tables, 'applications')) a.reason = rename(a.reason);
  for (const t of rowsOf(tables, 'transitions')) t.reason = rename(t.reason);
}

/**
 * Inserts the recorded story, moved to `now`, into an empty database; every demo user gets
 * `passwordHash` (hashed for this database, as the story would). False without a recording for
 * the running code and migrations.
 */
export async function replayRecordedDemo(
  database: Database,
  now: Date,
  passwordHash: string,
  logger: Logger,
  recording: DemoRecording | undefined = loadDemoRecording(),
): Promise<boolean> {
  if (!recording) return false;
  await replayDemoRecording(database, recording, now, (tables) => {
    for (const user of rowsOf(tables, 'users')) user.password_hash = passwordHash;
    rederiveRejectionRelease(tables);
    rederiveContractYears(tables);
  });
  const count = (name: string) => recording.tables.find((t) => t.name === name)?.rows.length ?? 0;
  logger.info(
    { users: count('users'), customers: count('customers'), contracts: count('contracts'), products: count('products'), recordedAt: recording.recordedAt },
    'seeded demo data (recorded story, moved to now)',
  );
  return true;
}
