import { describe, it } from 'vitest';
import { eventDeclarations } from '../../../src/workflow/validation/checks/event-declarations.js';
import { eventOf, expectAccepted, expectRefused } from '../../support/workflow-checks.js';

describe('event-declarations check', () => {
  describe('events', () => {
    it('should refuse events that are not an object', () => {
      expectRefused(eventDeclarations, { workflow: 'contract', edit: (d) => Object.assign(d, { events: ['UPDATE'] }) }, [
        { path: 'events', message: 'must be an object: event name → { label, inputs }' },
      ]);
    });

    it('should refuse an event name that is not upper case', () => {
      expectRefused(eventDeclarations, { workflow: 'customer', edit: (d) => (d.events.hold = { label: 'Hold', inputs: [] }) }, [
        { path: 'events.hold', message: 'an event name is upper case letters, digits and _' },
      ]);
    });

    it('should refuse an event without a label, with an unknown key or a non-boolean internal', () => {
      expectRefused(
        eventDeclarations,
        { workflow: 'customer', edit: (d) => Object.assign(eventOf(d, 'CLAIM'), { label: ' ', internal: 'yes', colour: 'red' }) },
        [
          { path: 'events.CLAIM.colour', message: 'is not a known key (label, inputs, internal)' },
          { path: 'events.CLAIM.label', message: 'is required' },
          { path: 'events.CLAIM.internal', message: 'must be true or false' },
        ],
      );
    });
  });

  describe('inputs', () => {
    it('should refuse an input named like a key the engine puts on every event', () => {
      expectRefused(
        eventDeclarations,
        { workflow: 'application', edit: (d) => (eventOf(d, 'WITHDRAW').inputs = [{ name: 'actor', type: 'String', required: false }]) },
        [{ path: 'events.WITHDRAW.inputs[0].name', message: '`actor` is reserved by the engine' }],
      );
    });

    it('should refuse inputs that are not a list', () => {
      expectRefused(eventDeclarations, { workflow: 'contract', edit: (d) => Object.assign(eventOf(d, 'UPDATE'), { inputs: 'none' }) }, [
        { path: 'events.UPDATE.inputs', message: 'must be a list of { name, type, required }' },
      ]);
    });

    it('should refuse an input of an unknown type, without required, or that is not an object', () => {
      expectRefused(
        eventDeclarations,
        { workflow: 'contract', edit: (d) => Object.assign(eventOf(d, 'UPDATE'), { inputs: [{ name: 'until', type: 'Date', example: 3 }, 'until'] }) },
        [
          { path: 'events.UPDATE.inputs[0].type', message: 'must be one of String, ID, Int, DateTime' },
          { path: 'events.UPDATE.inputs[0].required', message: 'must be true or false' },
          { path: 'events.UPDATE.inputs[0].example', message: 'must be a string' },
          { path: 'events.UPDATE.inputs[1]', message: 'must be an object { name, type, required }' },
        ],
      );
    });

    it('should accept a new event with typed inputs, an example and internal', () => {
      const hold = {
        label: '暂停 Hold',
        internal: false,
        inputs: [
          { name: 'reason', type: 'String' as const, required: true },
          { name: 'days', type: 'Int' as const, required: false, example: '3' },
        ],
      };
      expectAccepted(eventDeclarations, { workflow: 'customer', edit: (d) => (d.events.HOLD = hold) });
    });
  });
});
