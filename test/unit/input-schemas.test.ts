import { describe, expect, it } from 'vitest';
import { TRADE_NAME_KEY_VERSION } from '../../src/customers/rules/e1-trade-name.js';
import { contactInput, createCustomerInput, customerChanges, customerFields } from '../../src/customers/customer.validation.js';
import { followUpInput } from '../../src/customers/follow-up.validation.js';
import { validate, type Validated } from '../../src/platform/validation.js';
import { createUserInput, updateUserInput } from '../../src/users/user.validation.js';

const customer = {
  name: '靖江市春意空调有限公司',
  address: '江苏省靖江市人民路1号',
  industry: '空调',
  phone: '0523-84120001',
  introduction: '生产和销售商用空调机组及配件',
};

function fields<T>(result: Validated<T>): Record<string, string> {
  return result.ok ? {} : Object.fromEntries(result.problems.map((p) => [p.path, p.message]));
}

describe('input schemas', () => {
  describe('customer fields (E1, E3, E5)', () => {
    it('should clean a new customer and derive its duplicate keys', () => {
      const result = validate(customerFields, {
        ...customer,
        name: ' 靖江市 春意空调有限公司 ',
        phone: '+86 523 8412 0001',
        postcode: ' 214500 ',
        region: ' ',
        source: null,
      });
      expect(result).toEqual({
        ok: true,
        value: {
          ...customer,
          phone: '0523-84120001',
          postcode: '214500',
          region: null,
          tradeName: '春意',
          tradeNameVersion: TRADE_NAME_KEY_VERSION,
          phoneKey: '052384120001',
        },
      });
    });

    it('should require the E3 fields, blank or missing', () => {
      const result = validate(customerFields, { name: ' ', address: '', phone: null }, { root: 'input' });
      expect(fields(result)).toEqual({
        'input.name': 'is required',
        'input.address': 'is required',
        'input.industry': 'is required',
        'input.phone': 'is required',
        'input.introduction': 'is required',
      });
    });

    it('should say what is wrong with each format', () => {
      const result = validate(
        customerFields,
        { ...customer, name: '春意', phone: '12345', postcode: '2145', email: 'x', fax: '1', website: 'no' },
        { root: 'input' },
      );
      expect(fields(result)).toEqual({
        'input.name': expect.stringContaining('full registered name'),
        'input.phone': expect.stringContaining('mobile'),
        'input.postcode': 'must be 6 digits',
        'input.email': 'is not an email address',
        'input.fax': 'must be a landline number',
        'input.website': 'is not a web address',
      });
    });

    it('should change only the fields given: null leaves a field alone, blank clears an optional one', () => {
      expect(validate(customerChanges, { name: null, postcode: null, email: '', level: ' major ' })).toEqual({
        ok: true,
        value: { email: null, level: 'MAJOR' },
      });
      expect(fields(validate(customerChanges, { address: ' ' }, { root: 'input' }))).toEqual({ 'input.address': 'is required' });
    });
  });

  describe('levels (V2)', () => {
    it('should take a level by code or by its Chinese word, and refuse free text with the levels named', () => {
      expect(validate(customerChanges, { level: '主要客户' })).toEqual({ ok: true, value: { level: 'MAJOR' } });
      expect(validate(customerChanges, { level: 'VIP客户' })).toEqual({ ok: true, value: { level: 'VIP' } });
      expect(fields(validate(customerChanges, { level: 'A' }, { root: 'input' }))).toEqual({
        'input.level': 'must be one of VIP, MAJOR, ORDINARY, SMALL (VIP客户、主要客户、普通客户、小客户)',
      });
    });
  });

  describe('contacts (F1, E5)', () => {
    it('should normalise numbers and fill the optional fields with null', () => {
      expect(validate(contactInput, { name: ' 李四 ', mobile: '+86 139-0000-7777', title: '' })).toEqual({
        ok: true,
        value: { name: '李四', title: null, mobile: '13900007777', landline: null, email: null, note: null },
      });
    });

    it('should require a mobile or a landline even when the name is missing too', () => {
      expect(fields(validate(contactInput, { name: ' ', mobile: null }, { root: 'input' }))).toEqual({
        'input.name': 'is required',
        'input.mobile': 'a mobile or a landline is required',
      });
    });

    it('should report a new customer’s contacts by index', () => {
      const result = validate(createCustomerInput, { ...customer, contacts: [{ name: '甲', mobile: '12812345678' }, { name: '乙' }] }, { root: 'input' });
      expect(Object.keys(fields(result))).toEqual(['input.contacts.0.mobile', 'input.contacts.1.mobile']);
    });
  });

  describe('follow-ups (F2)', () => {
    const now = new Date('2026-03-02T02:00:00Z');
    const sales = followUpInput({ now, nextContactRequired: true });

    it('should accept meaningful notes and a future next contact', () => {
      const next = new Date(now.getTime() + 3_600_000);
      expect(validate(sales, { channel: 'PHONE', notes: ' 电话沟通了报价细节。 ', nextContactAt: next })).toEqual({
        ok: true,
        value: { channel: 'PHONE', notes: '电话沟通了报价细节。', nextContactAt: next },
      });
    });

    it('should refuse trivial notes and a past or missing next contact of a salesperson', () => {
      expect(fields(validate(sales, { channel: 'PHONE', notes: '。。。。。。', nextContactAt: now }, { root: 'input' }))).toEqual({
        'input.notes': 'must describe the contact (at least 5 characters)',
        'input.nextContactAt': 'must be in the future',
      });
      expect(fields(validate(sales, { channel: 'PHONE', notes: '电话沟通了报价细节。' }))).toHaveProperty('nextContactAt');
      expect(validate(followUpInput({ now, nextContactRequired: false }), { channel: 'VISIT', notes: '上门拜访了客户。' }).ok).toBe(true);
    });
  });

  describe('users', () => {
    it('should lower-case the username and trim the name, but not the password', () => {
      expect(validate(createUserInput, { username: ' Li.Wei ', displayName: ' 李伟 ', password: ' secret 1 2 3', roles: ['SALES'] })).toEqual({
        ok: true,
        value: { username: 'li.wei', displayName: '李伟', password: ' secret 1 2 3', roles: ['SALES'] },
      });
    });

    it('should report every bad field of a new user', () => {
      expect(fields(validate(createUserInput, { username: 'A', displayName: ' ', password: 'short', roles: ['KING'] }, { root: 'input' }))).toEqual({
        'input.username': '3–32 characters: lower-case letters, digits, . _ -',
        'input.displayName': 'is required',
        'input.password': 'must be at least 10 characters',
        'input.roles': 'unknown roles: KING',
      });
    });

    // Issue 15 §2: 10–256 characters (code points), no control characters, not a common password.
    it('should take passwords of 10 to 256 characters only, counting characters rather than UTF-16 units', () => {
      const password = (p: string) => fields(validate(createUserInput, { username: 'li.wei', displayName: 'L', password: p, roles: ['SALES'] }))['password'];
      expect(password('nine-char')).toBe('must be at least 10 characters');
      expect(password('ten-chars!')).toBeUndefined();
      expect(password('😀'.repeat(9))).toBe('must be at least 10 characters');
      expect(password('😀'.repeat(256))).toBeUndefined();
      expect(password('x'.repeat(257))).toBe('must be at most 256 characters');
    });

    it('should refuse control characters and the shipped common passwords, whatever their case', () => {
      const password = (p: string) => fields(validate(createUserInput, { username: 'li.wei', displayName: 'L', password: p, roles: ['SALES'] }))['password'];
      expect(password('tab\there-ok')).toBe('must not contain control characters');
      expect(password('line-one\ntwo')).toBe('must not contain control characters');
      expect(password('nul-\u0000-inside')).toBe('must not contain control characters');
      for (const common of ['password123', 'qwertyuiop', '1234567890', 'PASSWORD123', 'QwertyUIOP'])
        expect(password(common)).toBe('is too common: choose a less guessable one');
      expect(password('demo-password-1')).toBeUndefined();
    });

    it('should not let administrators lock themselves out, but let them change others', () => {
      const changes = { active: false, roles: ['SALES'] };
      expect(fields(validate(updateUserInput(true), changes, { root: 'input' }))).toEqual({
        'input.active': 'you cannot deactivate yourself',
        'input.roles': 'you cannot remove your own ADMIN role',
      });
      expect(validate(updateUserInput(false), changes)).toEqual({ ok: true, value: changes });
    });
  });
});
