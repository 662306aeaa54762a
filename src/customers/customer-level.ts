/**
 * V2: a customer's level is one of the value pyramid's four (VIP客户, 主要客户, 普通客户, 小客户).
 * Clients send the code; files (T8) may hold the Chinese word or a common synonym. Migration 0025
 * mapped the free-text levels of before with the same words.
 */
import { CUSTOMER_LEVELS, type CustomerLevel } from '../platform/db/schema.js';

/** The Chinese name of each level, as headers and exports write it. */
export const LEVEL_NAMES: Readonly<Record<CustomerLevel, string>> = { VIP: 'VIP客户', MAJOR: '主要客户', ORDINARY: '普通客户', SMALL: '小客户' };

const WORDS: Readonly<Record<string, CustomerLevel>> = {
  VIP: 'VIP',
  VIP客户: 'VIP',
  贵宾: 'VIP',
  贵宾客户: 'VIP',
  MAJOR: 'MAJOR',
  主要: 'MAJOR',
  主要客户: 'MAJOR',
  大客户: 'MAJOR',
  重要客户: 'MAJOR',
  ORDINARY: 'ORDINARY',
  普通: 'ORDINARY',
  普通客户: 'ORDINARY',
  一般客户: 'ORDINARY',
  SMALL: 'SMALL',
  小: 'SMALL',
  小客户: 'SMALL',
};

/** The level a text names (code or word, case and outer spaces ignored), or null. */
export function parseLevel(text: string): CustomerLevel | null {
  return WORDS[text.trim().toUpperCase()] ?? null;
}

export const LEVEL_MESSAGE = `must be one of ${CUSTOMER_LEVELS.join(', ')} (${Object.values(LEVEL_NAMES).join('、')})`;
