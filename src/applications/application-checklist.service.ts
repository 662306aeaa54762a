/**
 * P1: the audit checklist of a PROTECTION application, and F1's THREE_CONTACTS on an INTENT one:
 * computed live while pending, frozen on the application when it is decided or withdrawn (P8:
 * never computed against a record its reader may not see). Items are warnings for the auditor;
 * none blocks a decision.
 */
import type { ApplicationKind, ApplicationRow, CustomerRow } from '../platform/db/schema.js';
import type { Policy } from '../workflow/policy/policy.js';
import type { Viewer } from '../platform/auth/viewer.js';
import type { ContactService } from '../customers/contact.service.js';
import type { CustomerService } from '../customers/customer.service.js';
import type { CustomerKeyService } from '../customers/customer-key.service.js';
import { deriveTradeName } from '../customers/rules/e1-trade-name.js';

/** One line of the checklist: what is checked, whether it passed, and what was seen. */
export interface ChecklistItem {
  code: 'FULL_NAME' | 'ADDRESS' | 'CONTACT_NUMBER' | 'NOT_PROTECTED_ELSEWHERE' | 'SIMILAR_NAME' | 'THREE_CONTACTS';
  label: string;
  passed: boolean;
  detail: string | null;
}

/** The kinds of application that have a checklist: PROTECTION (P1, E4) and INTENT (F1). */
const CHECKED: readonly ApplicationKind[] = ['PROTECTION', 'INTENT'];
const checked = (r: ApplicationRow) => CHECKED.includes(r.kind);

/** Computes what the auditor checks before deciding a protection (P1, E4) or intent (F1) application. */
export class ApplicationChecklistService {
  constructor(
    private readonly customers: CustomerService,
    private readonly contacts: ContactService,
    private readonly customerKeys: CustomerKeyService,
    private readonly policy: () => Policy,
  ) {}

  /**
   * P8: the checklists a viewer may read, one per application (the audit queue asks for many at
   * once: a few statements for all of them, not per application). The stored one once frozen;
   * else computed now, only for a viewer who may see the customer's details (a FORBIDDEN error in
   * that application's place otherwise); null for other kinds.
   */
  async readableBy(viewer: Viewer, rows: readonly ApplicationRow[]): Promise<(ChecklistItem[] | null | Error)[]> {
    const live = rows.filter((r) => checked(r) && !r.checklist);
    const customers = await this.customers.byIds([...new Set(live.map((r) => r.customerId))]);
    const seen = new Map<string, Error | null>();
    for (const c of customers) {
      if (!c) continue;
      try {
        this.customers.requireDetails(viewer, c);
        seen.set(c.id, null);
      } catch (err) {
        seen.set(c.id, err instanceof Error ? err : new Error(String(err)));
      }
    }
    const computed = await this.checklists(live.filter((r) => seen.get(r.customerId) === null));
    return rows.map((r) => {
      if (!checked(r)) return null;
      if (r.checklist) return r.checklist as ChecklistItem[]; // stored by freeze() from this very type
      return seen.get(r.customerId) ?? computed.get(r.id) ?? new Error(`customer ${r.customerId} not found`);
    });
  }

  /** P8: the checklist to store when a PROTECTION or INTENT application is decided or withdrawn; null for other kinds. */
  async freeze(row: ApplicationRow): Promise<ChecklistItem[] | null> {
    return checked(row) ? ((await this.checklists([row])).get(row.id) ?? null) : null;
  }

  /** P1, F1: what the auditor checks on protection and intent applications, computed now, by application id; four statements for any number. */
  async checklists(rows: readonly ApplicationRow[]): Promise<Map<string, ChecklistItem[]>> {
    const out = new Map<string, ChecklistItem[]>();
    if (rows.length === 0) return out;
    const customers = (await this.customers.byIds([...new Set(rows.map((r) => r.customerId))])).filter((c): c is CustomerRow => c !== null);
    const ids = customers.map((c) => c.id);
    const [people, elsewhere, similar] = await Promise.all([
      this.contacts.byCustomerIds(ids),
      this.customers.protectedElsewhere(customers),
      this.customerKeys.similarTo(customers),
    ]);
    const byCustomer = new Map(
      customers.map((c, i) => [c.id, { customer: c, people: people[i] ?? [], elsewhere: elsewhere[i] ?? [], similar: similar[i] ?? [] }]),
    );
    const minContacts = this.policy().application.minContactsForIntent;
    for (const r of rows) {
      const seen = byCustomer.get(r.customerId);
      if (!seen) continue;
      if (r.kind === 'INTENT') out.set(r.id, [threeContacts(seen.people, minContacts)]);
      else out.set(r.id, checklistOf(seen.customer, seen.people, seen.elsewhere, seen.similar));
    }
    return out;
  }
}

/** P1, E4: the checklist of one customer from what was read for it. */
function checklistOf(
  customer: CustomerRow,
  people: readonly { mobile: string | null; landline: string | null }[],
  others: readonly { name: string; state: string }[],
  similar: readonly { name: string; tradeName: string; state: string; custodianName: string | null }[],
): ChecklistItem[] {
  const key = deriveTradeName(customer.name);
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

/**
 * F1: a target account should have at least `min` named contacts (policy
 * `application.minContactsForIntent`, 3 by default) who still work there (F5: not left). A warning.
 */
function threeContacts(people: readonly { name: string; state: string }[], min: number): ChecklistItem {
  const named = people.filter((c) => c.state !== 'left' && c.name.trim() !== '');
  const left = people.filter((c) => c.state === 'left').length;
  return {
    code: 'THREE_CONTACTS',
    label: `联系人齐全 At least ${min} named contacts at the customer`,
    passed: named.length >= min,
    detail: `${named.length} active named contacts of ${min} expected${left > 0 ? `; ${left} left the company` : ''}`,
  };
}
