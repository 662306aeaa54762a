/**
 * E5: formats of phone numbers, postcodes and e-mail addresses (pure helpers, no I/O).
 *
 * The `normalize*` functions return the canonical form to store, or null when the input is not
 * a number of that kind; `phoneKey` turns a stored number into the key that E4's duplicate
 * check compares.
 */

/** E5: a mainland mobile number, 11 digits. */
const MOBILE = /^(?:\+86|0086|86)?(1[3-9]\d{9})$/u;

/** +86 or 0086 in front of a landline; the area code's leading 0 may then be missing. */
const INTERNATIONAL_PREFIX = /^(?:\+|00)86(?=[\d\s-])[\s-]*/u;

const SEPARATORS = /[\s-]+/u;

/** NFKC turns full-width digits, plus signs, hyphens and spaces into their ASCII forms. */
function halfWidth(input: string): string {
  return input.normalize('NFKC').trim();
}

/**
 * E5: 010 and 02x are 3 digits long (0 + 2); every other area code is 4 (0 + 3). No area code
 * starts with 00 or with 01 other than 010, which also keeps +86 mobiles out of landlines.
 */
function areaCodeLength(digits: string): 3 | 4 | undefined {
  if (digits.startsWith('010') || /^02\d/u.test(digits)) return 3;
  return /^0[3-9]/u.test(digits) ? 4 : undefined;
}

/**
 * E5: a mobile number: optional `+86`, `86` or `0086`, then `1[3-9]` and 9 more digits;
 * spaces and hyphens anywhere are ignored.
 *
 * @example normalizeMobile('+86 138-1234-5678') // '13812345678'
 * @returns the 11 digits, or null.
 */
export function normalizeMobile(input: string): string | null {
  const compact = halfWidth(input).replace(/[\s-]+/gu, '');
  return MOBILE.exec(compact)?.[1] ?? null;
}

/**
 * E5: a landline: area code (0 + 2–3 digits) and a local number of 7–8 digits, with or without
 * a hyphen or spaces. After `+86`/`0086` the area code's leading 0 may be left out. Without a
 * separator, the area code is split off by its length (010 and 02x: 3 digits, others: 4); with
 * separators, a first group of up to 4 digits is the area code and must have exactly that
 * length (a longer first group means the separator sits inside the local number).
 *
 * @example normalizeLandline('+86 523 8412 3456') // '0523-84123456'
 * @returns `0AA-NNNNNNNN` or `0AAA-NNNNNNN(N)`, or null.
 */
export function normalizeLandline(input: string): string | null {
  let text = halfWidth(input);
  const prefix = INTERNATIONAL_PREFIX.exec(text);
  if (prefix !== null) text = text.slice(prefix[0].length);

  const groups = text.split(SEPARATORS);
  if (groups.some((group) => !/^\d+$/u.test(group))) return null;
  const [first, ...others] = groups;
  if (first === undefined) return null;
  const firstGroup = prefix !== null && !first.startsWith('0') ? `0${first}` : first;

  const digits = firstGroup + others.join('');
  const areaLength = areaCodeLength(digits);
  if (areaLength === undefined) return null;
  if (others.length > 0 && firstGroup.length <= 4 && firstGroup.length !== areaLength) return null;

  const local = digits.slice(areaLength);
  if (!/^\d{7,8}$/u.test(local)) return null;
  return `${digits.slice(0, areaLength)}-${local}`;
}

/**
 * E3/E5: a company's main phone: a mobile number if it is one, else a landline.
 *
 * @returns the normalised number (see {@link normalizeMobile}, {@link normalizeLandline}), or null.
 */
export function normalizePhone(input: string): string | null {
  return normalizeMobile(input) ?? normalizeLandline(input);
}

/** E5: a postcode is exactly 6 digits (surrounding whitespace ignored). */
export function isPostcode(input: string): boolean {
  return /^\d{6}$/u.test(halfWidth(input));
}

/**
 * A pragmatic e-mail check (surrounding whitespace ignored): dot-separated local part, `@`, a
 * domain of at least two labels whose last is at least two letters; at most 254 characters.
 */
export function isEmail(input: string): boolean {
  const text = input.trim();
  return (
    text.length <= 254 && /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/iu.test(text)
  );
}

/**
 * E4: the key two phone numbers are compared by: digits only, so `0523-84123456` and
 * `052384123456` match. Meant for normalised numbers (it does not drop a +86 prefix).
 */
export function phoneKey(normalized: string): string {
  return normalized.replace(/\D/gu, '');
}
