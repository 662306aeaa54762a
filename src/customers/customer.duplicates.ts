/**
 * E2: the duplicate check's search — every customer whose name contains or resembles a keyword,
 * or whose phone (the customer's or a contact's) matches — answered from indexes.
 *
 * Each kind of match is one branch that one index answers, and the branches are combined with
 * UNION ALL (an OR across them would scan the table):
 * - the keyword's key equal to a stored key: b-tree on `customer_names.trade_name`;
 * - a stored key containing the key: trigram index on the key's character pairs (LIKE);
 * - a stored key contained in the key (its inner keys): the same b-tree;
 * - a name containing the keyword: trigram index on the name's character pairs (ILIKE);
 * - a key resembling the key (similarity > 0.3): trigram index on the key (`%`), or for a
 *   two-character key the pairs index's scan for containing keys (one branch, see keyBranches);
 * - the phone: unique b-tree on `customers.phone_key`, `contacts.mobile` and the landline digits.
 * Each branch returns its rows' name and key, so the candidates (hundreds for a common
 * two-character key at a million customers) are ranked without being looked up again, and only
 * the 20 best are read from customers. Ranking (E4): an equal key or phone first, then a containing or contained key, then
 * a name containing the keyword and similar names (the trigram similarity of key and name).
 */
import { asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../platform/db/client.js';
import { customers, users } from '../platform/db/schema.js';
import { FieldErrorCollector } from '../platform/errors.js';
import { deriveTradeName } from './rules/e1-trade-name.js';
import type { MatchRow } from './rules/e4-duplicate-entry.js';
import { innerKeys } from './rules/e4-similar-keys.js';
import { normalizePhone, phoneKey } from './rules/e5-formats.js';

/** At most this many matches: a list to read, not the table. */
const LIMIT = 20;

/** E1: keys shorter than two characters are never compared. */
const MIN_KEY_LENGTH = 2;

/** The checked arguments of a duplicate check. */
export interface DuplicateQuery {
  keyword: string;
  /** Digits only (the phone key), or null without a phone. */
  phoneKey: string | null;
}

/**
 * E2: a keyword, a phone or both, else BAD_USER_INPUT naming the argument. Their lengths are the
 * GraphQL boundary's (TEXT_RULES `(keyword)` ≤ 100, `(phone)` ≤ 40 characters, measured as sent
 * and in the NFC form handed on): that bounds the search, whose innerKeys grow with the square of
 * the key's length.
 */
export function duplicateQuery(keyword: string | null | undefined, phone: string | null | undefined): DuplicateQuery {
  const errors = new FieldErrorCollector();
  const kw = (keyword ?? '').trim();
  const normalized = phone?.trim() ? normalizePhone(phone) : null;
  errors.check(kw.length > 0 || !!phone?.trim(), 'keyword', 'give a keyword or a phone number');
  if (phone?.trim() && !normalized) errors.add('phone', 'is not a mobile or landline number');
  errors.throwIfAny();
  return { keyword: kw, phoneKey: normalized ? phoneKey(normalized) : null };
}

/** LIKE pattern text with its wildcards and escape character taken literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** What `custodian_char_pairs` makes of a text in SQL (migration 0012): each character twice. */
function charPairs(text: string): string {
  return [...text].map((c) => c + c).join('');
}

/**
 * An ILIKE pattern for the pairs text of whatever the pattern matches: each literal character
 * (escaped or not) doubled, `_` (one character) as `__`, `%` as it is. A name matching the pattern
 * has pairs matching this, so it narrows the search through the pairs index without losing a row.
 */
function pairsPattern(pattern: string): string {
  const chars = [...pattern];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    if (c === '%') out += '%';
    else if (c === '_') out += '__';
    else out += escapeLike((c === '\\' && i + 1 < chars.length ? chars[++i] : c)!.repeat(2));
  }
  return out;
}

/**
 * The customers whose name matches an ILIKE pattern (the customer list's keyword filter), found
 * through customer_names' pairs index: customers itself has no trigram index (migration 0014).
 */
export function nameMatches(pattern: string): SQL {
  return sql`${customers.id} in (select customer_id from customer_names where name_pairs ilike ${pairsPattern(pattern)} and name ilike ${pattern})`;
}

/** `%text%` for LIKE. */
function containing(text: string): string {
  return `%${escapeLike(text)}%`;
}

/**
 * What the name index is searched for: the keyword's key when the keyword contains it (a name
 * containing 靖江市春意空调有限公司 contains 春意), else the keyword. The pairs of a full name's
 * region, industry and form (有有限限公公司司 …) are in most rows, and the index would read each of
 * their long lists; the key's pairs are rare. The rows found are then filtered by the keyword.
 */
export function nameSearchText(keyword: string, key: string): string {
  return [...key].length >= MIN_KEY_LENGTH && keyword.toLowerCase().includes(key) ? key : keyword;
}

/** A branch's select list: what ranking needs, so candidates are not looked up again. */
const CANDIDATE = sql.raw('customer_id, name, trade_name');

/** A two-character key of letters or digits: its similar keys come from the pairs index (see keyBranches). */
function isPairKey(key: string): boolean {
  return /^[\p{L}\p{N}]{2}$/u.test(key);
}

/**
 * The stored keys containing the key (score 2) and the keys resembling it (similarity over 0.3,
 * scored by the ranking). The trigram index answers `%` by counting shared trigrams against the
 * key's, and a two-character key has three ("  春", " 春意", "春意 "), so one shared trigram passes
 * the index: every key starting with 春, thousands at a million customers, each then rechecked.
 * But a similarity over 0.3 to a two-character key needs two of its three trigrams, and each such
 * pair means the key appears in the stored key; so for such a key both come from one scan of the
 * pairs index (ILIKE: similarity ignores case), which reads each candidate row once, not twice.
 */
function keyBranches(key: string): SQL[] {
  const contains = sql`trade_name like ${containing(key)} and trade_name <> ${key}`;
  const pairs = containing(charPairs(key));
  if (isPairKey(key)) {
    return [
      sql`select ${CANDIDATE}, case when ${contains} then 2.0 else 0 end from customer_names
        where trade_name_pairs ilike ${pairs} and ((${contains}) or similarity(trade_name, ${key}) > 0.3)`,
    ];
  }
  const similar = sql`select ${CANDIDATE}, 0 from customer_names where trade_name % ${key} and similarity(trade_name, ${key}) > 0.3`;
  if ([...key].length < MIN_KEY_LENGTH) return [similar];
  return [similar, sql`select ${CANDIDATE}, 2.0 from customer_names where trade_name_pairs like ${pairs} and ${contains}`];
}

/** The keyword's branches: (customer_id, name, trade_name, score) rows from `customer_names`. */
function keywordBranches(keyword: string, key: string): SQL[] {
  const branches: SQL[] = [
    sql`select ${CANDIDATE}, 3.0 as score from customer_names where trade_name = ${key}`,
    sql`select ${CANDIDATE}, 0.8 from customer_names where name_pairs ilike ${containing(charPairs(nameSearchText(keyword, key)))} and name ilike ${containing(keyword)}`,
    ...keyBranches(key),
  ];
  const inner = [...key].length < MIN_KEY_LENGTH ? [] : innerKeys(key);
  if (inner.length > 0) {
    const list = sql.join(
      inner.map((k) => sql`${k}`),
      sql`, `,
    );
    branches.push(sql`select ${CANDIDATE}, 2.0 from customer_names where trade_name in (${list})`);
  }
  return branches;
}

/** The phone's branches: the customer's own phone, a contact's mobile or landline; names from `customer_names` by its key. */
function phoneBranches(key: string): SQL[] {
  const named = (ids: SQL) => sql`select n.customer_id, n.name, n.trade_name, 3.0 as score from customer_names n where n.customer_id in (${ids})`;
  return [
    named(sql`select id from customers where phone_key = ${key}`),
    named(sql`select customer_id from contacts where mobile = ${key}`),
    named(sql`select customer_id from contacts where regexp_replace(landline, '[^0-9]', '', 'g') = ${key}`),
  ];
}

/** The best LIMIT candidates, ranked: `(customer_id, score)`, as a subquery named `ranked`. */
function rankedCandidates(query: DuplicateQuery): SQL {
  const { keyword } = query;
  const key = keyword ? deriveTradeName(keyword) || keyword : '';
  const branches = [...(keyword ? keywordBranches(keyword, key) : []), ...(query.phoneKey ? phoneBranches(query.phoneKey) : [])];
  // A similarity is at most 1: it never raises an equal, containing or contained key's score (2, 3),
  // so it is computed only for the others (most candidates of a common two-character key are keys).
  const score = keyword
    ? sql`case when max(h.score) >= 1 then max(h.score)::real else greatest(max(h.score), similarity(h.trade_name, ${key}), similarity(h.name, ${keyword})) end`
    : sql`max(h.score)`;
  return sql`(select h.customer_id, ${score} as score
    from (${sql.join(branches, sql` union all `)}) h
    group by h.customer_id, h.name, h.trade_name
    order by score desc, h.name asc, h.customer_id asc
    limit ${LIMIT}) ranked`;
}

/**
 * E2: the customers matching the checked arguments, at most 20, most relevant first, with their
 * custodian's display name; one statement.
 */
export async function searchDuplicateRows(executor: Executor, query: DuplicateQuery): Promise<MatchRow[]> {
  return executor
    .select({ customer: customers, custodianName: users.displayName })
    .from(customers)
    .innerJoin(rankedCandidates(query), sql`ranked.customer_id = ${customers.id}`)
    .leftJoin(users, eq(users.id, customers.custodianId))
    .orderBy(sql`ranked.score desc`, asc(customers.name), asc(customers.id));
}
