import { describe, expect, it } from 'vitest';

import {
  contractChanges,
  contractLineInput,
  contractLineList,
  deliveryStatusInput,
  paymentInput,
  productChanges,
  productInput,
} from '../../src/contracts/contract.validation.js';
import type { ProductRow } from '../../src/platform/db/schema.js';
import { validate, type Validated } from '../../src/platform/validation.js';

function fields<T>(result: Validated<T>): Record<string, string> {
  return result.ok ? {} : Object.fromEntries(result.problems.map((p) => [p.path, p.message]));
}

const product = (id: string, active: boolean): ProductRow => ({
  id,
  code: id.toUpperCase(),
  name: `产品 ${id}`,
  unit: '台',
  listPrice: '12800.00',
  active,
  version: 1,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});
const catalogue = new Map([
  ['ac', product('ac', true)],
  ['old', product('old', false)],
]);

describe('contract inputs', () => {
  describe('contract fields (C2)', () => {
    it('should trim text, clear blanks and leave out what is not given', () => {
      expect(validate(contractChanges, { type: ' 销售合同 ', terms: ' ', commitments: null, buyer: null })).toEqual({
        ok: true,
        value: { type: '销售合同', terms: null, commitments: null },
      });
    });

    it('should replace the buyer as a whole, with the phone in its canonical form (E5)', () => {
      expect(validate(contractChanges, { buyer: { name: ' 春意 ', phone: '+86 139-1234-5678' } })).toEqual({
        ok: true,
        value: { buyer: { name: '春意', address: null, taxId: null, contactName: null, phone: '13912345678' } },
      });
    });

    it('should report every bad date, the date order and the buyer’s fields at once', () => {
      const input = { signDate: '2026-02-30', startDate: '2027-01-01', endDate: '2026-01-01', buyer: { taxId: 'abc', phone: '123' } };
      expect(fields(validate(contractChanges, input, { root: 'input' }))).toEqual({
        'input.signDate': 'must be a date YYYY-MM-DD',
        'input.endDate': 'must not be before startDate',
        'input.buyer.taxId': 'a tax id (统一社会信用代码) is 15–20 digits or capital letters',
        'input.buyer.phone': 'must be a mobile or landline number',
      });
    });
  });

  describe('lines (C2)', () => {
    it('should price a catalogue line at its list price and compute the amount', () => {
      expect(validate(contractLineInput(catalogue), { productId: 'ac', quantity: '2', discount: '0.05' })).toEqual({
        ok: true,
        value: { productId: 'ac', description: '产品 ac', quantity: '2.000', unitPrice: '12800.00', discount: '0.0500', amount: '24320.00' },
      });
    });

    it('should refuse an inactive product, a line without product or description, and bad decimals', () => {
      expect(fields(validate(contractLineInput(catalogue), { productId: 'old', quantity: '0', discount: '1' }, { root: 'input' }))).toEqual({
        'input.productId': 'is not an active product',
        'input.quantity': 'must be a positive decimal with at most 3 decimals',
        'input.discount': 'must be a rate from 0 to below 1 (0.1 = 10 % off)',
      });
      expect(fields(validate(contractLineInput(catalogue), { quantity: '1', unitPrice: '1.234' }, { root: 'input' }))).toEqual({
        'input.description': 'a product or a description is required',
        'input.unitPrice': 'must be a decimal amount with at most 2 decimals',
      });
    });

    it('should report several lines by index, and want at least one', () => {
      const lines = [
        { description: '配件', quantity: '1', unitPrice: '1' },
        { description: '机组', quantity: '1.0001' },
      ];
      expect(Object.keys(fields(validate(contractLineList(catalogue), lines, { root: 'lines' })))).toEqual(['lines.1.quantity', 'lines.1.unitPrice']);
      expect(fields(validate(contractLineList(catalogue), [], { root: 'lines' }))).toEqual({ lines: 'give at least one line' });
    });
  });

  describe('payments and delivery (C3)', () => {
    const now = new Date('2026-11-23T00:00:00Z');

    it('should take the amount in cents and clear a blank account', () => {
      expect(validate(paymentInput({ now, isActiveUser: () => true }), { amount: '10.5', paidAt: now, method: 'CASH', account: ' ', handlerId: 'u1' })).toEqual(
        {
          ok: true,
          value: { amount: 1050n, paidAt: now, method: 'CASH', account: null, handlerId: 'u1' },
        },
      );
    });

    it('should refuse nothing paid, a future date, an unknown method and an inactive handler at once', () => {
      const input = { amount: '0', paidAt: new Date('2026-11-25T00:00:00Z'), method: 'GOLD', handlerId: 'u1' };
      expect(fields(validate(paymentInput({ now, isActiveUser: () => false }), input, { root: 'input' }))).toEqual({
        'input.amount': 'must be a positive amount with at most 2 decimals',
        'input.paidAt': 'must not be in the future',
        'input.method': 'one of BANK_TRANSFER, CASH, CHEQUE, INSTALMENTS, OTHER',
        'input.handlerId': 'is not an active user',
      });
    });

    it('should know the delivery statuses', () => {
      expect(fields(validate(deliveryStatusInput, 'LOST', { root: 'status' }))).toEqual({ status: 'one of NOT_DELIVERED, PARTIAL, DELIVERED' });
    });
  });

  describe('products', () => {
    it('should require every field of a new product and check code and price', () => {
      expect(fields(validate(productInput, { code: 'bad code!', name: ' ', listPrice: '-1' }, { root: 'input' }))).toEqual({
        'input.code': 'letters, digits, . _ - (at most 32)',
        'input.name': 'is required',
        'input.unit': 'is required',
        'input.listPrice': 'must be an amount with at most 2 decimals',
      });
    });

    it('should change only the fields given, refusing a required one given as null', () => {
      expect(validate(productChanges, { listPrice: '12800', active: null })).toEqual({ ok: true, value: { listPrice: '12800.00' } });
      expect(fields(validate(productChanges, { name: null }, { root: 'input' }))).toEqual({ 'input.name': 'is required' });
    });
  });
});
