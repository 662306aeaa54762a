/**
 * T8 over HTTP (README: "Import and export (T8)"), signed in by the bearer token as /graphql is:
 *
 * - `POST /import/customers[?dryRun=true]`, the file (CSV UTF-8 or XLSX, told apart by its first
 *   bytes) as the raw request body: a row-by-row report as JSON; a dry run writes nothing.
 * - `GET /export/customers.csv` and `/export/customers.xlsx`, with the `customers` query's filter
 *   and order as query parameters: the list as a file, streamed.
 *
 * A refused file is JSON `{ errors: [{ message, extensions: { code } }] }` with a 4xx status:
 * 401 unsigned, 403 wrong role, 413 too large, 415 not CSV or XLSX, 400 unreadable or too many rows.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requireRole, type Viewer } from '../platform/auth/viewer.js';
import { DomainError } from '../platform/errors.js';
import { CsvError, parseCsv } from '../platform/files/csv.js';
import { TABLE_CONTENT_TYPES, writeTable, type TableFormat } from '../platform/files/table-writer.js';
import { readUpload, uploadType, UploadRefused } from '../platform/files/upload.js';
import { readXlsx, TooManyRows, XlsxError } from '../platform/files/xlsx-read.js';
import { sendError, sendJson, STATUS_OF_CODE, type HttpRoute } from '../platform/http/routes.js';
import { CustomerExportService, EXPORT_COLUMNS } from './customer-export.service.js';
import { CustomerImportService, ImportFileError, type CustomerImportDeps, type FileRow } from './customer-import.service.js';
import type { Database } from '../platform/db/client.js';
import type { CustomerService } from '../customers/customer.service.js';
import type { ContactService } from '../customers/contact.service.js';
import type { UserService } from '../users/user.service.js';

/** IMPORT_MAX_BYTES and IMPORT_MAX_ROWS. */
export interface TransferLimits {
  maxBytes: number;
  maxRows: number;
}

export const DEFAULT_TRANSFER_LIMITS: TransferLimits = { maxBytes: 10 * 1_048_576, maxRows: 10_000 };

export interface TransferRouteDeps {
  imports: CustomerImportService;
  exports: CustomerExportService;
  /** The viewer behind the request's bearer token; throws UNAUTHENTICATED without one. */
  authenticate: (req: IncomingMessage) => Promise<Viewer>;
  limits: TransferLimits;
}

/** Answers a refusal; false for an error that is not one (a fault: the server's 500). */
function refused(res: ServerResponse, err: unknown): boolean {
  if (err instanceof UploadRefused) {
    const code = err.status === 413 ? 'PAYLOAD_TOO_LARGE' : err.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_USER_INPUT';
    // The rest of the body is not read: the connection closes after this answer.
    res.setHeader('connection', 'close');
    sendError(res, err.status, code, err.message);
  } else if (err instanceof CsvError || err instanceof XlsxError || err instanceof ImportFileError) {
    sendError(res, 400, 'BAD_USER_INPUT', err.message);
  } else if (err instanceof DomainError) {
    sendError(res, STATUS_OF_CODE[err.code] ?? 400, err.code, err.message, err.details);
  } else return false;
  return true;
}

/** The file's rows, header first: CSV cells are text (never formulas); XLSX cells say if they hold one. */
async function fileRows(bytes: Buffer, maxRows: number): Promise<FileRow[]> {
  const tooMany = () => new UploadRefused(400, `The file has more than ${maxRows} rows; split it`);
  if (uploadType(bytes) === 'csv') {
    const rows = parseCsv(bytes);
    if (rows.length > maxRows + 1) throw tooMany();
    return rows.map((cells, i) => ({ number: i + 1, cells: cells.map((text) => ({ text, formula: false })) }));
  }
  try {
    return (await readXlsx(bytes, maxRows)).map((cells, i) => ({ number: i + 1, cells }));
  } catch (err) {
    throw err instanceof TooManyRows ? tooMany() : err;
  }
}

function dryRunOf(url: URL): boolean {
  const value = url.searchParams.get('dryRun');
  if (value === null || value === 'false') return false;
  if (value === 'true') return true;
  throw new UploadRefused(400, 'dryRun must be true or false');
}

async function importCustomers(deps: TransferRouteDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  try {
    // Who and whether, before a byte of the file is read.
    const viewer = await deps.authenticate(req);
    requireRole(viewer, 'SALES', 'MANAGER');
    const dryRun = dryRunOf(url);
    if ((req.headers['content-type'] ?? '').startsWith('multipart/')) {
      throw new UploadRefused(415, 'Send the file itself as the request body (curl --data-binary @customers.xlsx), not as a form');
    }
    const rows = await fileRows(await readUpload(req, deps.limits.maxBytes), deps.limits.maxRows);
    sendJson(res, 200, await deps.imports.run(viewer, rows, dryRun));
  } catch (err) {
    if (!refused(res, err)) throw err;
  }
}

async function exportCustomers(deps: TransferRouteDeps, format: TableFormat, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  let rows;
  try {
    rows = await deps.exports.rows(await deps.authenticate(req), url.searchParams);
  } catch (err) {
    if (!refused(res, err)) throw err;
    return;
  }
  const day = new Date().toISOString().slice(0, 10);
  res.writeHead(200, {
    'content-type': TABLE_CONTENT_TYPES[format],
    'content-disposition': `attachment; filename="customers-${day}.${format}"`,
    'cache-control': 'no-store',
  });
  await writeTable(res, format, EXPORT_COLUMNS, rows, 'customers');
}

export function transferRoutes(deps: TransferRouteDeps): HttpRoute[] {
  return [
    {
      matches: (method, path) => method === 'POST' && path === '/import/customers',
      handle: (req, res, url) => importCustomers(deps, req, res, url),
    },
    {
      matches: (method, path) => method === 'GET' && (path === '/export/customers.csv' || path === '/export/customers.xlsx'),
      handle: (req, res, url) => exportCustomers(deps, url.pathname.endsWith('.csv') ? 'csv' : 'xlsx', req, res, url),
    },
  ];
}

/** The services customer files need (the composition root's). */
export interface CustomerTransferServices {
  database: Database;
  customers: CustomerService;
  contacts: ContactService;
  users: UserService;
  enterCustomer: CustomerImportDeps['enterCustomer'];
  enterCustomers: CustomerImportDeps['enterCustomers'];
}

/** Chunks of rows entered at once on PostgreSQL (each its own transaction; the pool has DB_POOL_SIZE connections). */
const IMPORT_CONCURRENCY = 4;

/** T8's routes over these services, signed in by `authenticate`. */
export function customerTransferRoutes(
  s: CustomerTransferServices,
  authenticate: TransferRouteDeps['authenticate'],
  limits: Partial<TransferLimits> = {},
): HttpRoute[] {
  return transferRoutes({
    imports: new CustomerImportService({
      database: s.database,
      enterCustomer: s.enterCustomer,
      enterCustomers: s.enterCustomers,
      concurrency: s.database.kind === 'postgres' ? IMPORT_CONCURRENCY : 1,
    }),
    exports: new CustomerExportService(s),
    authenticate,
    limits: { ...DEFAULT_TRANSFER_LIMITS, ...limits },
  });
}
