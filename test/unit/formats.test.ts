import { describe, expect, it } from 'vitest';
import { isEmail, isPostcode, normalizeLandline, normalizeMobile, normalizePhone, phoneKey } from '../../src/customers/rules/e5-formats.js';

describe('formats', () => {
  describe('E5 normalizeMobile', () => {
    it.each([
      ['13812345678', '13812345678'],
      ['19912345678', '19912345678'],
      ['138 1234 5678', '13812345678'],
      ['138-1234-5678', '13812345678'],
      ['+8613812345678', '13812345678'],
      ['+86 138 1234 5678', '13812345678'],
      ['+86-138-1234-5678', '13812345678'],
      ['8613812345678', '13812345678'],
      ['008613812345678', '13812345678'],
      ['  13812345678 ', '13812345678'],
      ['１３８１２３４５６７８', '13812345678'],
    ])('should accept %j as %s', (input, expected) => {
      expect(normalizeMobile(input)).toBe(expected);
    });

    it.each([
      ['12 digits', '138123456789'],
      ['10 digits', '1381234567'],
      ['a 12 prefix', '12812345678'],
      ['a 10 prefix', '10812345678'],
      ['a landline', '0523-84123456'],
      ['+87 instead of +86', '+8713812345678'],
      ['letters', '1381234567a'],
      ['dots', '138.1234.5678'],
      ['an empty string', ''],
    ])('should reject %s', (_what, input) => {
      expect(normalizeMobile(input)).toBeNull();
    });
  });

  describe('E5 normalizeLandline', () => {
    it.each([
      ['010-12345678', '010-12345678'],
      ['010-1234567', '010-1234567'],
      ['0523-8412345', '0523-8412345'],
      ['0523-84123456', '0523-84123456'],
      ['052384123456', '0523-84123456'],
      ['01012345678', '010-12345678'],
      ['02112345678', '021-12345678'],
      ['021 12345678', '021-12345678'],
      ['0523 8412 3456', '0523-84123456'],
      ['+86 21 12345678', '021-12345678'],
      ['+86 523 8412 3456', '0523-84123456'],
      ['+86-10-12345678', '010-12345678'],
      ['+8652384123456', '0523-84123456'],
      ['0086 523 84123456', '0523-84123456'],
      ['+86 0523 84123456', '0523-84123456'],
      ['０５２３－８４１２３４５６', '0523-84123456'],
    ])('should accept %j as %s', (input, expected) => {
      expect(normalizeLandline(input)).toBe(expected);
    });

    it.each([
      ['a local number that is too short', '0523-841234'],
      ['a local number that is too long', '0523-841234567'],
      ['too few digits in all', '05238412'],
      ['no leading zero without +86', '523-84123456'],
      ['no leading zero and no separator without +86', '52384123456'],
      ['an area code that breaks the 02x rule', '0211-2345678'],
      ['an area code cut too short', '05-2384123456'],
      ['an area code starting 00', '0052384123456'],
      ['a mobile number', '13812345678'],
      ['a mobile number with +86', '+86 138 1234 5678'],
      ['letters', '0523-8412345x'],
      ['an extension', '0523-84123456-801'],
      ['an empty string', ''],
    ])('should reject %s', (_what, input) => {
      expect(normalizeLandline(input)).toBeNull();
    });
  });

  describe('E3/E5 normalizePhone', () => {
    it('should prefer a mobile number', () => {
      expect(normalizePhone('+86 138 1234 5678')).toBe('13812345678');
    });

    it('should fall back to a landline', () => {
      expect(normalizePhone('0523 8412 3456')).toBe('0523-84123456');
    });

    it('should reject what is neither', () => {
      expect(normalizePhone('12345')).toBeNull();
    });
  });

  describe('E4 phoneKey', () => {
    it('should make a hyphenated and a plain landline compare equal', () => {
      expect(phoneKey('0523-84123456')).toBe(phoneKey('052384123456'));
    });

    it('should keep digits only', () => {
      expect(phoneKey('0523-84123456')).toBe('052384123456');
      expect(phoneKey('13812345678')).toBe('13812345678');
    });

    it('should match any spelling of the same landline once normalised', () => {
      const spellings = ['0523-84123456', '052384123456', '+86 523 8412 3456', '0523 8412 3456'];
      const keys = spellings.map((spelling) => phoneKey(normalizeLandline(spelling) ?? ''));
      expect(new Set(keys)).toEqual(new Set(['052384123456']));
    });
  });

  describe('E5 isPostcode', () => {
    it.each(['214500', '100000', '010000', ' 214500 '])('should accept %j', (input) => {
      expect(isPostcode(input)).toBe(true);
    });

    it.each(['21450', '2145000', '21450a', '214 500', ''])('should reject %j', (input) => {
      expect(isPostcode(input)).toBe(false);
    });
  });

  describe('isEmail', () => {
    it.each(['sales@chunyi.com', 'li.ming+crm@mail.163.com', 'A_B-c@sub.example.com.cn', ' zhang@qq.com '])('should accept %j', (input) => {
      expect(isEmail(input)).toBe(true);
    });

    it.each([
      'sales',
      'sales@',
      '@chunyi.com',
      'sales@chunyi',
      'sales@@chunyi.com',
      'li ming@chunyi.com',
      '.li@chunyi.com',
      'li..ming@chunyi.com',
      'li.@chunyi.com',
      'li@-chunyi.com',
      'li@chunyi.c',
      'li@chunyi..com',
      '',
    ])('should reject %j', (input) => {
      expect(isEmail(input)).toBe(false);
    });
  });
});
