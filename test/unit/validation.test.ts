import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { FieldErrorCollector, ValidationError } from '../../src/platform/errors.js';
import { collect, parseInput, show, toFieldErrors, validate } from '../../src/platform/validation.js';

const contact = z.strictObject({
  name: z.string().min(2, 'must be at least 2 characters'),
  kind: z.enum(['PHONE', 'VISIT']),
  tags: z.array(z.string()).optional(),
});
const input = z.object({ customer: z.string(), contacts: z.array(contact) });

describe('validation', () => {
  describe('validate', () => {
    it('should return the parsed value', () => {
      expect(validate(contact, { name: 'Li', kind: 'PHONE' })).toEqual({ ok: true, value: { name: 'Li', kind: 'PHONE' } });
    });

    it('should report every problem by dotted path under the root', () => {
      const result = validate(
        input,
        {
          contacts: [
            { name: 'L', kind: 'PHONE' },
            { name: 'Wang', kind: 'MAIL' },
          ],
        },
        { root: 'input' },
      );
      expect(result).toEqual({
        ok: false,
        problems: [
          { path: 'input.customer', message: 'is required' },
          { path: 'input.contacts.0.name', message: 'must be at least 2 characters' },
          { path: 'input.contacts.1.kind', message: 'must be one of PHONE, VISIT, got "MAIL"' },
        ],
      });
    });

    it('should name the value itself by the root, or by an empty path without one', () => {
      expect(validate(contact, null, { root: 'input' })).toMatchObject({ ok: false, problems: [{ path: 'input' }] });
      expect(validate(contact, 'x')).toEqual({ ok: false, problems: [{ path: '', message: 'must be an object, got "x"' }] });
    });

    it('should report each unknown key at its own path, before the object’s other problems', () => {
      const result = validate(contact, { name: 'L', kind: 'PHONE', colour: 'blue', size: 2 }, { root: 'input' });
      expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual(['input.colour', 'input.size', 'input.name']);
    });

    it('should keep unknown keys of a nested object within that object’s problems', () => {
      const result = validate(input, { customer: 1, contacts: [{ name: 'L', kind: 'PHONE', x: 1 }] });
      expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual(['customer', 'contacts.0.x', 'contacts.0.name']);
    });
  });

  describe('messages', () => {
    it.each<[string, z.ZodType, unknown, string]>([
      ['a missing value', z.object({ a: z.string() }), {}, 'is required'],
      ['a null value', z.object({ a: z.number() }), { a: null }, 'is required'],
      ['a wrong type', z.object({ a: z.boolean() }), { a: 'yes' }, 'must be true or false, got "yes"'],
      ['a short list', z.object({ a: z.array(z.string()).min(1) }), { a: [] }, 'needs at least 1 item'],
      ['a short text', z.object({ a: z.string().min(3) }), { a: 'x' }, 'must be at least 3 characters'],
      ['a small number', z.object({ a: z.number().positive() }), { a: 0 }, 'must be more than 0, got 0'],
    ])('should describe %s in words', (_label, schema, value, message) => {
      expect(validate(schema, value)).toEqual({ ok: false, problems: [{ path: 'a', message }] });
    });

    it('should keep a schema’s own message', () => {
      expect(validate(z.object({ a: z.string().regex(/^\d+$/, 'must be digits') }), { a: 'x' })).toMatchObject({ problems: [{ message: 'must be digits' }] });
    });

    it('should quote values briefly', () => {
      expect(show(undefined)).toBe('nothing');
      expect(show('x'.repeat(100))).toHaveLength(60);
    });
  });

  describe('parseInput', () => {
    it('should return the parsed value', () => {
      expect(parseInput(contact, { name: 'Li', kind: 'VISIT', tags: [] })).toEqual({ name: 'Li', kind: 'VISIT', tags: [] });
    });

    it('should throw one ValidationError with the first message of each path', () => {
      const schema = z.object({ a: z.string().min(3, 'too short').regex(/^\d+$/, 'not digits'), b: z.string() });
      try {
        parseInput(schema, { a: 'x' }, { root: 'input', message: 'Invalid thing' });
        expect.unreachable('parseInput should have thrown');
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        if (!(error instanceof ValidationError)) return;
        expect(error.message).toBe('Invalid thing');
        expect(error.code).toBe('BAD_USER_INPUT');
        expect(error.fields).toEqual({ 'input.a': 'too short', 'input.b': 'is required' });
      }
    });
  });

  describe('collect', () => {
    it('should add the problems to a collector and keep the first message per path', () => {
      const errors = new FieldErrorCollector();
      errors.add('input.name', 'was first');
      expect(collect(errors, validate(contact, { name: 'L' }, { root: 'input' }))).toBeUndefined();
      expect(errors.fields).toEqual({ 'input.name': 'was first', 'input.kind': 'is required' });
    });

    it('should return the value when it parsed', () => {
      expect(collect(new FieldErrorCollector(), validate(z.string(), 'x'))).toBe('x');
    });
  });

  describe('toFieldErrors', () => {
    it('should keep the first message per path', () => {
      expect(
        toFieldErrors([
          { path: 'a', message: '1' },
          { path: 'a', message: '2' },
          { path: 'b', message: '3' },
        ]),
      ).toEqual({ a: '1', b: '3' });
    });
  });
});
