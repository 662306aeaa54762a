import { describe, expect, it } from 'vitest';
import { formatDecimal, lineTotal, money, parseDecimal, rescale } from '../../src/platform/money.js';

describe('money (C3: exact decimals, no floats)', () => {
  it('should compute 3 × 0.10 = 0.30 exactly', () => {
    const total = lineTotal(parseDecimal('3', 3) ?? 0n, money.parse('0.10') ?? 0n, 0n);
    expect(money.format(total)).toBe('0.30');
    expect(0.1 * 3).not.toBe(0.3); // the float trap this avoids
  });

  it('should sum 10,000 lines of 0.10 to exactly 1000.00', () => {
    let sum = 0n;
    for (let i = 0; i < 10_000; i += 1) sum += lineTotal(1000n, 10n, 0n);
    expect(money.format(sum)).toBe('1000.00');
  });

  it('should apply a discount rate and round half away from zero to cents', () => {
    expect(money.format(lineTotal(parseDecimal('1', 3) ?? 0n, money.parse('0.05') ?? 0n, parseDecimal('0.5', 4) ?? 0n))).toBe('0.03');
    expect(money.format(lineTotal(parseDecimal('2.5', 3) ?? 0n, money.parse('19.99') ?? 0n, parseDecimal('0.1', 4) ?? 0n))).toBe('44.98');
    expect(rescale(-15n, 1, 0)).toBe(-2n);
  });

  it('should parse and format strictly', () => {
    expect(money.parse('1234.5')).toBe(123450n);
    expect(money.parse('1234.567')).toBeNull();
    expect(money.parse('1e3')).toBeNull();
    expect(money.parse('abc')).toBeNull();
    expect(formatDecimal(-5n, 2)).toBe('-0.05');
    expect(money.format(money.parse('999999999999999.99') ?? 0n)).toBe('999999999999999.99');
  });
});
