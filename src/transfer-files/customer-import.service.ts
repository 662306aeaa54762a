/**
 * T8: customers imported from a file, row by row, with the rules of createCustomer. A dry run
 * checks every row (E1/E3/E5 by createCustomer's schema, E4 against the database and against the
 * file's earlier rows) and writes nothing; applying enters the rows that passed by the same entry
 * rules as createCustomer (its PROTECTION application, history, contacts), a chunk of rows per
 * transaction (a chunk that fails is entered again row by row), and reports each row's outcome.
 */
import { requireRole, type Viewer } from '../platform/auth/viewer.js';
import type { Database } from '../platform/db/client.js';
import type { CustomerRow } from '../platform/db/schema.js';
import { uniqueViolation } from '../platform/db/errors.js';
import { DomainError, DuplicateError, ValidationError } from '../platform/errors.js';
import type { SheetCell } from '../platform/files/xlsx-read.js';
import { checkEntry, enteredKeys, type CreateCustomerInput, type KeyHolder } from '../customers/customer-import.service.js';
import { IMPORT_COLUMNS, columnOfPath, readHeaders, type ImportColumn } from './customer-columns.js';

/** A row of the file: its number (the header is row 1) and its cells. */
export interface FileRow {
  number: number;
  cells: readonly SheetCell[];
}

export type RowOutcome = 'CREATED' | 'WOULD_CREATE' | 'DUPLICATE' | 'INVALID' | 'REFUSED';

export interface FieldProblem {
  /** The entry field (`name`, `contactMobile`) and its header in the file's language (`客户名称`). */
  field: string;
  column: string;
  message: string;
}

export interface RowReport {
  row: number;
  outcome: RowOutcome;
  name: string | null;
  customerId?: string;
  /** DUPLICATE: the entered customer, or the earlier row of this file, that has the same key. */
  duplicateOf?: { customerId: string; name: string } | { row: number };
  /** DUPLICATE: which key matched (E4), and its value. */
  reason?: 'TRADE_NAME' | 'PHONE';
  key?: string;
  errors?: FieldProblem[];
  /** REFUSED: why entry refused the row (its error code and message). */
  code?: string;
  message?: string;
}

export interface ImportReport {
  dryRun: boolean;
  rows: number;
  counts: Record<RowOutcome, number>;
  report: RowReport[];
}

/** The file itself cannot be imported (its header row); HTTP 400. */
export class ImportFileError extends Error {}

export interface CustomerImportDeps {
  database: Database;
  /** createCustomer's path: entry with its PROTECTION application, in one transaction. */
  enterCustomer: (viewer: Viewer, input: CreateCustomerInput) => Promise<CustomerRow>;
  /**
   * The same path for many rows in one transaction (all or none): null for a row it left out
   * (its key taken since the check), which is then entered alone.
   */
  enterCustomers: (viewer: Viewer, inputs: readonly CreateCustomerInput[]) => Promise<(CustomerRow | null)[]>;
  /** Chunks entered at once (each in its own transaction); 1 on the embedded database. */
  concurrency: number;
}

/**
 * Rows per transaction: a few statements per chunk instead of a dozen per row (10,000 rows in
 * well under T8's minute on PostgreSQL), few enough that a refused chunk re-entered row by row
 * costs little and that the rows' key locks are held briefly.
 */
export const IMPORT_CHUNK = 200;

const REQUIRED = ['name', 'address', 'industry', 'phone', 'introduction'];

/** A cell a spreadsheet would run: a formula, or text starting = or @ (or + and - unless it is a number such as +86…). */
function looksLikeFormula(cell: SheetCell): boolean {
  const text = cell.text.trim();
  return cell.formula || /^[=@]/.test(text) || (/^[+-]/.test(text) && !/^[+-][\d\s().-]*$/.test(text));
}

interface Planned {
  report: RowReport;
  input: CreateCustomerInput;
  tradeName: string;
  phoneKeys: string[];
}

/** One row as createCustomer's input, or what is wrong with its cells. */
function rowInput(row: FileRow, columns: readonly (ImportColumn | null)[]): { input: Record<string, unknown>; errors: FieldProblem[] } {
  const input: Record<string, unknown> = {};
  const contact: Record<string, string> = {};
  const errors: FieldProblem[] = [];
  columns.forEach((column, i) => {
    const cell = row.cells[i];
    if (!column || !cell || cell.text.trim() === '') return;
    if (looksLikeFormula(cell)) errors.push({ field: column.key, column: column.header, message: 'is a formula; formulas are not imported' });
    else if (column.input.on === 'customer') input[column.input.field] = cell.text;
    else contact[column.input.field] = cell.text;
  });
  if (Object.keys(contact).length > 0) input.contacts = [contact];
  return { input, errors };
}

function problemsOf(fields: Record<string, string>): FieldProblem[] {
  return Object.entries(fields).map(([path, message]) => {
    const column = columnOfPath(path);
    return { field: column?.key ?? path, column: column?.header ?? path, message };
  });
}

export class CustomerImportService {
  constructor(private readonly deps: CustomerImportDeps) {}

  /** Checks (dry run) or imports the rows after the header row `rows[0]`. */
  async run(viewer: Viewer, rows: readonly FileRow[], dryRun: boolean): Promise<ImportReport> {
    requireRole(viewer, 'SALES', 'MANAGER');
    const [header, ...body] = rows;
    if (!header) throw new ImportFileError('The file is empty: it needs a header row and a row per customer');
    const { columns, unknown, repeated } = readHeaders(header.cells.map((c) => c.text));
    if (unknown.length > 0) throw new ImportFileError(`Unknown columns: ${unknown.join(', ')} (known: ${IMPORT_COLUMNS.map((c) => c.header).join(', ')})`);
    if (repeated.length > 0) throw new ImportFileError(`Columns given twice: ${repeated.join(', ')}`);
    const missing = IMPORT_COLUMNS.filter((c) => REQUIRED.includes(c.key) && !columns.includes(c)).map((c) => c.header);
    if (missing.length > 0) throw new ImportFileError(`Missing columns: ${missing.join(', ')}`);
    const reports: RowReport[] = [];
    const checked: Planned[] = [];
    for (const row of body) {
      const { input, errors } = rowInput(row, columns);
      const check = checkEntry(input);
      const name = typeof input.name === 'string' ? input.name.trim() : null;
      const report: RowReport = { row: row.number, outcome: 'INVALID', name };
      reports.push(report);
      const all = [...errors, ...(check.ok ? [] : problemsOf(check.fields).filter((p) => !errors.some((e) => e.field === p.field)))];
      if (all.length > 0 || !check.ok) report.errors = all;
      else checked.push({ report, input: input as CreateCustomerInput, tradeName: check.tradeName, phoneKeys: check.phoneKeys });
    }
    const planned = await this.duplicates(checked);
    for (const p of planned) p.report.outcome = 'WOULD_CREATE';
    if (!dryRun) await this.enter(viewer, planned);
    return { dryRun, rows: body.length, counts: countOf(reports), report: reports };
  }

  /** E4: marks rows whose keys are entered already or taken by an earlier row; returns the others. */
  private async duplicates(checked: readonly Planned[]): Promise<Planned[]> {
    const entered = await enteredKeys(
      this.deps.database.db,
      checked.map((c) => c.tradeName),
      checked.flatMap((c) => c.phoneKeys),
    );
    const inFile = { tradeNames: new Map<string, number>(), phones: new Map<string, number>() };
    const planned: Planned[] = [];
    const duplicate = (p: Planned, of: KeyHolder | number, reason: 'TRADE_NAME' | 'PHONE', key: string) => {
      Object.assign(p.report, { outcome: 'DUPLICATE', reason, key, duplicateOf: typeof of === 'number' ? { row: of } : { customerId: of.id, name: of.name } });
    };
    for (const p of checked) {
      const phone = p.phoneKeys.find((k) => entered.phones.has(k));
      const filePhone = p.phoneKeys.find((k) => inFile.phones.has(k));
      const holder = entered.tradeNames.get(p.tradeName);
      const earlier = inFile.tradeNames.get(p.tradeName);
      if (holder) duplicate(p, holder, 'TRADE_NAME', p.tradeName);
      else if (phone) duplicate(p, entered.phones.get(phone) ?? { id: '', name: '' }, 'PHONE', phone);
      else if (earlier !== undefined) duplicate(p, earlier, 'TRADE_NAME', p.tradeName);
      else if (filePhone) duplicate(p, inFile.phones.get(filePhone) ?? 0, 'PHONE', filePhone);
      else {
        inFile.tradeNames.set(p.tradeName, p.report.row);
        for (const k of p.phoneKeys) inFile.phones.set(k, p.report.row);
        planned.push(p);
      }
    }
    return planned;
  }

  /**
   * Enters the planned rows in chunks, a few chunks at a time, each chunk in one transaction. A
   * chunk that fails (one row refused: a race on a key, a rule of entry) rolls back whole and
   * its rows are entered one by one, each all or nothing, so a refusal is that row's outcome.
   */
  private async enter(viewer: Viewer, planned: readonly Planned[]): Promise<void> {
    const chunks: Planned[][] = [];
    for (let i = 0; i < planned.length; i += IMPORT_CHUNK) chunks.push(planned.slice(i, i + IMPORT_CHUNK));
    let next = 0;
    const worker = async () => {
      for (let c = chunks[next++]; c !== undefined; c = chunks[next++]) await this.enterChunk(viewer, c);
    };
    await Promise.all(Array.from({ length: Math.max(1, this.deps.concurrency) }, worker));
  }

  private async enterChunk(viewer: Viewer, chunk: readonly Planned[]): Promise<void> {
    let rows: (CustomerRow | null)[];
    try {
      rows = await this.deps.enterCustomers(
        viewer,
        chunk.map((p) => p.input),
      );
    } catch (err) {
      if (!(err instanceof DomainError) && !uniqueViolation(err)) throw err;
      rows = chunk.map(() => null);
    }
    for (const [i, p] of chunk.entries()) {
      const row = rows[i];
      if (row) Object.assign(p.report, { outcome: 'CREATED', customerId: row.id });
      else await this.enterOne(viewer, p);
    }
  }

  private async enterOne(viewer: Viewer, p: Planned): Promise<void> {
    const report = p.report;
    try {
      const row = await this.deps.enterCustomer(viewer, p.input);
      Object.assign(report, { outcome: 'CREATED', customerId: row.id });
    } catch (err) {
      if (err instanceof DuplicateError) {
        // Entered by someone else since the check (E4 decided under its locks).
        const [match] = (err.details.matches as { id: string; name: string }[] | undefined) ?? [];
        Object.assign(report, { outcome: 'DUPLICATE', message: err.message, ...(match && { duplicateOf: { customerId: match.id, name: match.name } }) });
      } else if (err instanceof ValidationError) Object.assign(report, { outcome: 'INVALID', errors: problemsOf(err.fields) });
      else if (err instanceof DomainError) Object.assign(report, { outcome: 'REFUSED', code: err.code, message: err.message });
      else throw err;
    }
  }
}

function countOf(reports: readonly RowReport[]): Record<RowOutcome, number> {
  const counts: Record<RowOutcome, number> = { CREATED: 0, WOULD_CREATE: 0, DUPLICATE: 0, INVALID: 0, REFUSED: 0 };
  for (const r of reports) counts[r.outcome] += 1;
  return counts;
}
