/**
 * T8: customers exported as a table (table-writer.ts writes it as CSV or XLSX). The rows are the
 * `customers` query's: the same filter, order and visibility (CustomerService.list, P8), paged by
 * its keyset cursor so memory stays flat; a row the viewer may not see in full has only its
 * public card (id, name, trade name, stage, state, custodian), the rest left empty.
 */
import { z } from 'zod';
import type { Viewer } from '../platform/auth/viewer.js';
import type { CustomerRow, UserCard } from '../platform/db/schema.js';
import { STAGES } from '../platform/db/schema.js';
import { ValidationError } from '../platform/errors.js';
import type { TableColumn, TableRow } from '../platform/files/table-writer.js';
import { MAX_PAGE_SIZE, type Page } from '../platform/pagination.js';
import { toFieldErrors, validate } from '../platform/validation.js';
import type { CustomerFilter, CustomerOrder, CustomerService } from '../customers/customer.service.js';
import type { ContactService } from '../customers/contact.service.js';
import { canSeeDetails } from '../customers/rules/p8-custodian-sees-details.js';
import type { UserService } from '../users/user.service.js';
import { EXPORT_ONLY_COLUMNS, IMPORT_COLUMNS } from './customer-columns.js';

export interface CustomerExportDeps {
  customers: CustomerService;
  contacts: ContactService;
  users: UserService;
}

/** The entry fields a file row holds of the customer itself. */
// prettier-ignore
const CUSTOMER_FIELDS: readonly (keyof CustomerRow)[] = [
  'address', 'industry', 'phone', 'introduction', 'website', 'email', 'fax', 'postcode', 'country', 'region', 'source', 'level',
];

const CARD_COLUMNS = ['id', 'name', 'tradeName', 'stage', 'state', 'custodian'] as const;

/** The export's columns: the public card first, then the entry fields and the first contact, then the entry time. */
export const EXPORT_COLUMNS: readonly (TableColumn & { key: string })[] = [
  ...CARD_COLUMNS.map((key) => {
    const col = EXPORT_ONLY_COLUMNS.find((c) => c.key === key) ?? IMPORT_COLUMNS.find((c) => c.key === key);
    return { key, header: col?.header ?? key, width: key === 'id' ? 38 : 20 };
  }),
  ...IMPORT_COLUMNS.filter((c) => c.key !== 'name').map((c) => ({ key: c.key, header: c.header, width: c.key === 'introduction' ? 40 : 18 })),
  { key: 'createdAt', header: '录入时间', width: 26 },
];

const text = z.string().trim().min(1).optional();
const date = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .transform((v) => new Date(v))
  .optional();

/** The query string of an export: the `customers` query's filter and order, by the same names. */
const exportQuery = z.strictObject({
  scope: z.enum(['MINE', 'ALL']).optional(),
  stage: z.enum(STAGES).optional(),
  state: text,
  custodianId: z.uuid('is not a user id').optional(),
  industry: text,
  region: text,
  keyword: text,
  createdFrom: date,
  createdTo: date,
  orderBy: z.enum(['CREATED_AT', 'NAME', 'PROTECTED_UNTIL', 'LAST_FOLLOW_UP_AT']).optional(),
  direction: z.enum(['ASC', 'DESC']).optional(),
});

/** The list arguments a query string asks for; unknown or repeated names and wrong values are BAD_USER_INPUT. */
export function exportArgs(params: URLSearchParams): { filter: CustomerFilter; order: CustomerOrder | null } {
  const raw: Record<string, string> = {};
  const fields: Record<string, string> = {};
  for (const [name, value] of params) {
    if (name in raw) fields[name] = 'is given more than once';
    raw[name] = value;
  }
  const result = validate(exportQuery, raw);
  if (!result.ok || Object.keys(fields).length > 0)
    throw new ValidationError({ ...fields, ...(result.ok ? {} : toFieldErrors(result.problems)) }, 'Invalid export filter');
  const { orderBy, direction, ...filter } = result.value;
  return { filter, order: orderBy ? { field: orderBy, direction: direction ?? 'ASC' } : null };
}

export class CustomerExportService {
  constructor(private readonly deps: CustomerExportDeps) {}

  /**
   * The rows the `customers` query would list with these arguments. The first page is read now,
   * so a refusal (P8's FORBIDDEN on a detail filter, a bad argument) comes before any byte is written.
   */
  async rows(viewer: Viewer, params: URLSearchParams): Promise<AsyncIterable<TableRow>> {
    const { filter, order } = exportArgs(params);
    const page = (after: string | null) => this.deps.customers.list(viewer, filter, order, { first: MAX_PAGE_SIZE, after });
    const first = await page(null);
    const self = this;
    return (async function* () {
      for (let current: Page<CustomerRow> | null = first; current;) {
        yield* await self.pageRows(viewer, current.nodes);
        current = current.hasNextPage ? await page(current.cursor(current.nodes.length - 1)) : null;
      }
    })();
  }

  /** One page as table rows: custodians and first contacts read for the page at once. */
  private async pageRows(viewer: Viewer, stored: readonly CustomerRow[]): Promise<TableRow[]> {
    const rows = stored.map((r) => this.deps.customers.project(r));
    const detailed = rows.filter((r) => canSeeDetails(viewer, r));
    const custodianIds = [...new Set(rows.flatMap((r) => (r.custodianId ? [r.custodianId] : [])))];
    const [cards, contactLists] = await Promise.all([this.deps.users.byIds(custodianIds), this.deps.contacts.byCustomerIds(detailed.map((r) => r.id))]);
    const names = new Map(cards.flatMap((c: UserCard | null) => (c ? [[c.id, c.displayName] as const] : [])));
    const contactOf = new Map(detailed.map((r, i) => [r.id, contactLists[i]?.find((c) => !c.leftOn) ?? contactLists[i]?.[0]]));
    return rows.map((r) => {
      const details = contactOf.has(r.id);
      const contact = contactOf.get(r.id);
      const values: Record<string, unknown> = {
        id: r.id,
        name: r.name,
        tradeName: r.tradeName,
        stage: r.stage,
        state: r.state,
        custodian: r.custodianId ? names.get(r.custodianId) : null,
        ...(details && {
          ...Object.fromEntries(CUSTOMER_FIELDS.map((f) => [f, r[f]])),
          createdAt: r.createdAt.toISOString(),
          contactName: contact?.name,
          contactMobile: contact?.mobile,
          contactLandline: contact?.landline,
          contactTitle: contact?.title,
          contactEmail: contact?.email,
        }),
      };
      return EXPORT_COLUMNS.map((c) => {
        const v = values[c.key];
        return v === null || v === undefined ? null : String(v);
      });
    });
  }
}
