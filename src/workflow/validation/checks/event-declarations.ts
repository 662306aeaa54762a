/** Each declared event has a proper name, a label, and a list of well-formed inputs. */
import type { DocumentCheck } from '../check.js';
import { isObject, quote, reportUnknownKeys } from '../json.js';

const NAME = /^[A-Za-z][A-Za-z0-9]*$/;
const EVENT_NAME = /^[A-Z][A-Z0-9_]*$/;
const INPUT_TYPES = ['String', 'ID', 'Int', 'DateTime'];
/** Keys the engine puts on every event; an input may not take their names. */
const RESERVED_INPUTS = ['type', 'actor', 'facts', 'at', 'via'];

/** `events` maps upper-case names to `{ label, inputs, internal? }`; inputs are typed and not named like the engine's own keys. */
export const eventDeclarations: DocumentCheck = {
  name: 'event-declarations',
  description: 'events maps UPPER_CASE names to { label, inputs, internal? }; each input has a name the engine does not reserve, a type and required.',
  phase: 'shape',
  run: ({ report }) => ({
    events(events) {
      if (!isObject(events)) report('events', 'must be an object: event name → { label, inputs }');
    },
    event({ name, value, at }) {
      if (!EVENT_NAME.test(name)) report(at, 'an event name is upper case letters, digits and _ (e.g. HOLD)');
      if (!isObject(value)) return report(at, 'must be an object { label, inputs, internal? }');
      reportUnknownKeys(value, ['label', 'inputs', 'internal'], at, report);
      if (typeof value.label !== 'string' || value.label.trim() === '') report(`${at}.label`, 'is required');
      if (value.internal !== undefined && typeof value.internal !== 'boolean') report(`${at}.internal`, 'must be true or false');
      if (!Array.isArray(value.inputs)) report(`${at}.inputs`, 'must be a list of { name, type, required }');
    },
    input({ value, at }) {
      if (!isObject(value)) return report(at, 'must be an object { name, type, required }');
      reportUnknownKeys(value, ['name', 'type', 'required', 'example'], at, report);
      if (typeof value.name !== 'string' || !NAME.test(value.name)) report(`${at}.name`, 'must be a name of letters and digits');
      else if (RESERVED_INPUTS.includes(value.name)) report(`${at}.name`, `${quote(value.name)} is reserved by the engine`);
      if (typeof value.type !== 'string' || !INPUT_TYPES.includes(value.type)) report(`${at}.type`, `must be one of ${INPUT_TYPES.join(', ')}`);
      if (typeof value.required !== 'boolean') report(`${at}.required`, 'must be true or false');
      if (value.example !== undefined && typeof value.example !== 'string') report(`${at}.example`, 'must be a string');
    },
  }),
};
