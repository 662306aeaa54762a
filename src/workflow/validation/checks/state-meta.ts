/** Every state says what it is to people: a label, maybe a description and a deadline. */
import type { DocumentCheck } from '../check.js';
import { isObject, reportUnknownKeys } from '../json.js';

/** `meta` is `{ label, description?, deadline? }`, the deadline an object `{ event, term }`. */
export const stateMeta: DocumentCheck = {
  name: 'state-meta',
  description: 'Every state has meta { label, description?, deadline? } with a non-empty label; a deadline is an object { event, term }.',
  phase: 'shape',
  run: ({ report }) => ({
    meta({ value, at }) {
      if (!isObject(value)) return report(at, 'is required: { label, description?, deadline? }');
      reportUnknownKeys(value, ['label', 'description', 'deadline'], at, report);
      if (typeof value.label !== 'string' || value.label.trim() === '') report(`${at}.label`, 'is required');
      if (value.description !== undefined && typeof value.description !== 'string') report(`${at}.description`, 'must be a string');
      if (value.deadline !== undefined && !isObject(value.deadline)) report(`${at}.deadline`, 'must be { event, term }');
    },
  }),
};
