/** E3/E5/F1 input rules, with one message per input path. */
import { FieldErrorCollector } from '../platform/errors.js';
import { isEmail, isPostcode, normalizeLandline, normalizeMobile, normalizePhone, phoneKey } from './rules/e5-formats.js';
import { deriveTradeName } from './rules/e1-trade-name.js';

export interface ContactInput {
  name: string;
  title?: string | null;
  mobile?: string | null;
  landline?: string | null;
  email?: string | null;
  note?: string | null;
}

export interface CustomerFieldsInput {
  name?: string | null;
  address?: string | null;
  industry?: string | null;
  phone?: string | null;
  introduction?: string | null;
  postcode?: string | null;
  website?: string | null;
  email?: string | null;
  fax?: string | null;
  country?: string | null;
  region?: string | null;
  source?: string | null;
  level?: string | null;
}

export interface CreateCustomerInput extends CustomerFieldsInput {
  name: string;
  address: string;
  industry: string;
  phone: string;
  introduction: string;
  contacts?: ContactInput[] | null;
}

const blank = (v: string | null | undefined) => v === undefined || v === null || v.trim() === '';
const clean = (v: string | null | undefined) => (blank(v) ? null : (v as string).trim());

export interface CleanContact {
  name: string;
  title: string | null;
  mobile: string | null;
  landline: string | null;
  email: string | null;
  note: string | null;
}

/** F1/E5: a contact needs a name and a mobile or a landline; numbers are normalised. */
export function cleanContact(input: ContactInput, errors: FieldErrorCollector, path: string): CleanContact {
  errors.check(!blank(input.name), `${path}.name`, 'is required');
  const mobile = blank(input.mobile) ? null : normalizeMobile(input.mobile as string);
  const landline = blank(input.landline) ? null : normalizeLandline(input.landline as string);
  if (!blank(input.mobile) && mobile === null) errors.add(`${path}.mobile`, 'must be a mobile number: 11 digits starting 13–19 (+86 allowed)');
  if (!blank(input.landline) && landline === null) errors.add(`${path}.landline`, 'must be a landline: area code 0 + 2–3 digits, then 7–8 digits');
  if (blank(input.mobile) && blank(input.landline)) errors.add(`${path}.mobile`, 'a mobile or a landline is required');
  if (!blank(input.email)) errors.check(isEmail(input.email as string), `${path}.email`, 'is not an email address');
  return { name: clean(input.name) ?? '', title: clean(input.title), mobile, landline, email: clean(input.email), note: clean(input.note) };
}

/** The phone keys of a contact, for the duplicate rule (E4). */
export function contactPhoneKeys(c: { mobile: string | null; landline: string | null }): string[] {
  return [c.mobile, c.landline].filter((v): v is string => v !== null).map(phoneKey);
}

export interface CleanCustomerFields {
  name?: string;
  tradeName?: string;
  address?: string;
  industry?: string;
  phone?: string;
  phoneKey?: string;
  introduction?: string;
  postcode?: string | null;
  website?: string | null;
  email?: string | null;
  fax?: string | null;
  country?: string | null;
  region?: string | null;
  source?: string | null;
  level?: string | null;
}

const REQUIRED = ['name', 'address', 'industry', 'phone', 'introduction'] as const;

/**
 * E3/E5 for the customer's own fields. With `partial`, absent fields are left alone (update);
 * otherwise the E3 fields are required (create).
 */
export function cleanCustomerFields(input: CustomerFieldsInput, errors: FieldErrorCollector, partial: boolean): CleanCustomerFields {
  const out: CleanCustomerFields = {};
  const present = (k: keyof CustomerFieldsInput) => input[k] !== undefined && input[k] !== null;
  for (const key of REQUIRED) {
    if (!partial || present(key)) errors.check(!blank(input[key]), `input.${key}`, 'is required');
  }
  if (!blank(input.name)) {
    const name = (input.name as string).trim().replace(/\s+/g, '');
    const tradeName = deriveTradeName(name);
    if (name.length < 4 || name.length > 100) errors.add('input.name', 'must be the full registered name (4–100 characters), e.g. 靖江市春意空调有限公司');
    else if (tradeName.length < 2) errors.add('input.name', 'must contain a trade name besides region, industry and organisation form (E1)');
    out.name = name;
    out.tradeName = tradeName;
  }
  if (!blank(input.address)) {
    const address = (input.address as string).trim();
    errors.check(address.length >= 6, 'input.address', 'must be the detailed address (at least 6 characters)');
    out.address = address;
  }
  if (!blank(input.industry)) out.industry = (input.industry as string).trim();
  if (!blank(input.phone)) {
    const phone = normalizePhone(input.phone as string);
    if (phone === null) errors.add('input.phone', 'must be a mobile (1[3-9] + 9 digits) or a landline (0 + area code, 7–8 digits)');
    else {
      out.phone = phone;
      out.phoneKey = phoneKey(phone);
    }
  }
  if (!blank(input.introduction)) {
    const intro = (input.introduction as string).trim();
    errors.check(intro.replace(/\s/g, '').length >= 10, 'input.introduction', 'must say what the company does (at least 10 characters)');
    out.introduction = intro;
  }
  if (present('postcode')) {
    errors.check(blank(input.postcode) || isPostcode(input.postcode as string), 'input.postcode', 'must be 6 digits');
    out.postcode = clean(input.postcode);
  }
  if (present('email')) {
    errors.check(blank(input.email) || isEmail(input.email as string), 'input.email', 'is not an email address');
    out.email = clean(input.email);
  }
  if (present('fax')) {
    const fax = blank(input.fax) ? null : normalizeLandline(input.fax as string);
    errors.check(blank(input.fax) || fax !== null, 'input.fax', 'must be a landline number');
    out.fax = fax;
  }
  if (present('website')) {
    errors.check(blank(input.website) || /^(https?:\/\/)?[\w-]+(\.[\w-]+)+(\/\S*)?$/i.test((input.website as string).trim()), 'input.website', 'is not a web address');
    out.website = clean(input.website);
  }
  for (const key of ['country', 'region', 'source', 'level'] as const) if (present(key)) out[key] = clean(input[key]);
  return out;
}
