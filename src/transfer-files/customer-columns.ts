/**
 * T8: the columns of customer files. Headers are Chinese as the sales team writes them; the
 * English field names are accepted too (case ignored). Import reads the entry fields and one
 * contact per row; export writes those and, before them, the public card (P8).
 */

/** An entry field of a file row: on the customer, or on the row's one contact. */
export interface ImportColumn {
  key: string;
  header: string;
  aliases: readonly string[];
  /** Where it goes in createCustomer's input: a customer field, or `contacts.0.<field>`. */
  input: { on: 'customer' | 'contact'; field: string };
}

const customer = (key: string, header: string, ...aliases: string[]): ImportColumn => ({ key, header, aliases, input: { on: 'customer', field: key } });
const contact = (key: string, header: string, field: string, ...aliases: string[]): ImportColumn => ({
  key,
  header,
  aliases: [key, ...aliases],
  input: { on: 'contact', field },
});

export const IMPORT_COLUMNS: readonly ImportColumn[] = [
  customer('name', '客户名称', 'name', '名称', '公司名称'),
  customer('address', '详细地址', 'address', '地址'),
  customer('industry', '行业', 'industry'),
  customer('phone', '电话', 'phone'),
  customer('introduction', '简介', 'introduction'),
  customer('website', '网址', 'website'),
  customer('email', '邮箱', 'email'),
  customer('fax', '传真', 'fax'),
  customer('postcode', '邮编', 'postcode'),
  customer('country', '国家', 'country'),
  customer('region', '地区', 'region'),
  customer('source', '来源', 'source'),
  customer('level', '级别', 'level'),
  contact('contactName', '联系人', 'name'),
  contact('contactMobile', '联系人手机', 'mobile'),
  contact('contactLandline', '联系人座机', 'landline'),
  contact('contactTitle', '联系人职务', 'title'),
  contact('contactEmail', '联系人邮箱', 'email'),
];

/** Columns an export writes that an import skips (so an exported file imports as it is). */
export const EXPORT_ONLY_COLUMNS = [
  { key: 'id', header: '编号' },
  { key: 'tradeName', header: '商号' },
  { key: 'stage', header: '阶段' },
  { key: 'state', header: '状态' },
  { key: 'custodian', header: '负责人' },
  { key: 'createdAt', header: '录入时间' },
] as const;

const normalise = (header: string) => header.replace(/\s+/g, '').toLowerCase();

const BY_HEADER = new Map<string, ImportColumn | null>([
  ...IMPORT_COLUMNS.flatMap((c) => [c.header, ...c.aliases].map((h): [string, ImportColumn] => [normalise(h), c])),
  ...EXPORT_ONLY_COLUMNS.flatMap((c) => [c.header, c.key].map((h): [string, null] => [normalise(h), null])),
]);

/** A header row read: the column of each position (null: skipped), and the headers nobody knows. */
export function readHeaders(headers: readonly string[]): { columns: (ImportColumn | null)[]; unknown: string[]; repeated: string[] } {
  const columns = headers.map((h) => BY_HEADER.get(normalise(h)) ?? null);
  const unknown = headers.filter((h) => h.trim() !== '' && !BY_HEADER.has(normalise(h)));
  const seen = new Set<string>();
  const repeated: string[] = [];
  for (const c of columns) {
    if (c && seen.has(c.key)) repeated.push(c.header);
    if (c) seen.add(c.key);
  }
  return { columns, unknown, repeated };
}

/** The column an input path names (`name`, `contacts.0.mobile`), for a row's report. */
export function columnOfPath(path: string): ImportColumn | undefined {
  const [first, , field] = path.replace(/^input\./, '').split('.');
  if (first === 'contacts') return IMPORT_COLUMNS.find((c) => c.input.on === 'contact' && c.input.field === field);
  return IMPORT_COLUMNS.find((c) => c.input.on === 'customer' && c.input.field === first);
}
