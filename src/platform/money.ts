/**
 * Exact decimals for the money path: no JavaScript floats. A value is a bigint scaled by
 * 10^scale; strings in and out ("1234.50"). Money has scale 2, quantities 3, rates 4.
 */
export type Scaled = bigint;

export const MONEY_SCALE = 2;
export const QUANTITY_SCALE = 3;
export const RATE_SCALE = 4;

const DECIMAL = /^(-)?(\d{1,15})(?:\.(\d+))?$/;

/** Parses a decimal string at a fixed scale; null when it is not a decimal or has more digits. */
export function parseDecimal(text: string, scale: number): Scaled | null {
  const m = DECIMAL.exec(text.trim());
  if (!m) return null;
  const [, sign, whole, fraction = ''] = m;
  if (fraction.length > scale) return null;
  const value = BigInt(`${whole}${fraction.padEnd(scale, '0')}`);
  return sign ? -value : value;
}

export function formatDecimal(value: Scaled, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${fraction}` : ''}`;
}

/** Rounds a value of scale `from` to scale `to` (half away from zero). */
export function rescale(value: Scaled, from: number, to: number): Scaled {
  if (to >= from) return value * 10n ** BigInt(to - from);
  const factor = 10n ** BigInt(from - to);
  const half = factor / 2n;
  return value >= 0n ? (value + half) / factor : -((-value + half) / factor);
}

/** A line's amount: quantity × unit price × (1 − discount rate), rounded to cents. */
export function lineTotal(quantity: Scaled, unitPrice: Scaled, discountRate: Scaled): Scaled {
  const oneMinus = 10n ** BigInt(RATE_SCALE) - discountRate;
  const raw = quantity * unitPrice * oneMinus; // scale 3 + 2 + 4 = 9
  return rescale(raw, QUANTITY_SCALE + MONEY_SCALE + RATE_SCALE, MONEY_SCALE);
}

export const money = {
  parse: (text: string) => parseDecimal(text, MONEY_SCALE),
  format: (value: Scaled) => formatDecimal(value, MONEY_SCALE),
  /** An amount as the database or SQL gives it (numeric text, or none: 0) as the API writes money: two places. */
  normalise: (text: string | null | undefined) => formatDecimal(parseDecimal(text ?? '0', MONEY_SCALE) ?? 0n, MONEY_SCALE),
};
