/**
 * P1: the audit checklist of a PROTECTION application: computed live while pending, frozen on the
 * application when it is decided or withdrawn (P8: never computed against a record its reader may
 * not see).
 */
import type { ApplicationRow } from '../platform/db/schema.js';
import type { Viewer } from '../platform/auth/viewer.js';
import type { ContactService } from '../customers/contact.service.js';
import type { CustomerService } from '../customers/customer.service.js';
import type { CustomerKeyService } from '../customers/customer-key.service.js';
import { deriveTradeName } from '../customers/rules/e1-trade-name.js';

/** One line of the checklist: what is checked, whether it passed, and what was seen. */
export interface ChecklistItem {
  code: 'FULL_NAME' | 'ADDRESS' | 'CONTACT_NUMBER' | 'NOT_PROTECTED_ELSEWHERE' | 'SIMILAR_NAME';
  label: string;
  passed: boolean;
  detail: string | null;
}

/** Computes what the auditor checks before deciding a protection application (P1, E4). */
export class ApplicationChecklistService {
  constructor(
    private readonly customers: CustomerService,
    private readonly contacts: ContactService,
    private readonly customerKeys: CustomerKeyService,
  ) {}

  /**
   * P8: the checklist a viewer may read: the stored one once frozen; else computed now, only for a
   * viewer who may see the customer's details (FORBIDDEN otherwise); null for other kinds.
   */
  async readableBy(viewer: Viewer, row: ApplicationRow): Promise<ChecklistItem[] | null> {
    if (row.kind !== 'PROTECTION') return null;
    if (row.checklist) return row.checklist as ChecklistItem[]; // stored by freeze() from this very type
    this.customers.requireDetails(viewer, await this.customers.get(row.customerId));
    return this.checklist(row);
  }

  /** P8: the checklist to store when a PROTECTION application is decided or withdrawn; null for other kinds. */
  async freeze(row: ApplicationRow): Promise<ChecklistItem[] | null> {
    return row.kind === 'PROTECTION' ? this.checklist(row) : null;
  }

  /** P1: what the auditor checks on a protection application, computed now. */
  async checklist(row: ApplicationRow): Promise<ChecklistItem[]> {
    const customer = await this.customers.get(row.customerId);
    const [people = []] = await this.contacts.byCustomerIds([customer.id]);
    const key = deriveTradeName(customer.name);
    const others = await this.customers.protectedElsewhere(customer);
    const [similar = []] = await this.customerKeys.similarTo([customer]);
    const withNumber = people.filter((c) => c.mobile || c.landline);
    return [
      { code: 'FULL_NAME', label: '全称规范 Full registered name', passed: key.length >= 2 && key !== customer.name, detail: `trade name ${key}` },
      { code: 'ADDRESS', label: '详细地址 Detailed address', passed: customer.address.trim().length >= 6, detail: customer.address },
      {
        code: 'CONTACT_NUMBER',
        label: '联系人电话 A contact with a valid number',
        passed: withNumber.length > 0,
        detail: `${withNumber.length} of ${people.length} contacts`,
      },
      {
        code: 'NOT_PROTECTED_ELSEWHERE',
        label: '无重复保护 Nobody else protects this company',
        passed: others.length === 0,
        detail: others.length ? others.map((o) => `${o.name} (${o.state})`).join('; ') : null,
      },
      {
        // E4: similar keys (同创 / 同创医药) are not refused at entry; the auditor decides.
        code: 'SIMILAR_NAME',
        label: '无近似字号 No customer with a similar trade name',
        passed: similar.length === 0,
        detail: similar.length ? similar.map((m) => `${m.name} (${m.tradeName}, ${m.state}${m.custodianName ? `, ${m.custodianName}` : ''})`).join('; ') : null,
      },
    ];
  }
}
