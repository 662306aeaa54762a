/**
 * F5: a contact is active, leaves the company (离职: the day they left and a note are required)
 * and may rejoin; edits are recorded (UPDATE, with the changed fields in its history row). A
 * contact who left is shown as such (state `left`, leftOn, leftNote) and is not offered for new
 * follow-ups (refused by the follow-up service).
 */
import type { ContactRule } from '../contact.machine.js';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/u;

/** A calendar day written YYYY-MM-DD that exists (no 2026-02-30). */
export function isDay(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DAY.exec(value);
  if (!m) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** A note with something in it besides spaces. */
function hasText(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

export const f5ContactLifecycle: ContactRule = {
  code: 'F5',
  title: 'A contact is active, leaves the company (离职, with the date and a note) and may rejoin; edits are recorded',
  guards: {
    hasLeftOn: {
      check: ({ event }) => isDay(event.leftOn),
      refusal: { code: 'BAD_USER_INPUT', message: 'The day the person left is required, as YYYY-MM-DD (F5)', field: 'leftOn' },
      onInput: true,
    },
    hasNote: {
      check: ({ event }) => hasText(event.note),
      refusal: { code: 'BAD_USER_INPUT', message: 'A note on why the person left is required (F5)', field: 'note' },
      onInput: true,
    },
  },
  actions: {
    recordLeaving: ({ event }) => ({ leftOn: isDay(event.leftOn) ? event.leftOn : null, leftNote: hasText(event.note) ? event.note.trim() : null }),
    recordRejoining: () => ({ leftOn: null, leftNote: null }),
  },
};
